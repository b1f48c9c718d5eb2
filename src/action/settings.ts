import type { CommonInputs, StepInputs } from './inputs.js';
import { ACTION_VOICE } from '../settings/voice.js';
import type { JobSettings } from '../job/settings.js';
import type { OpenTargetOptions } from '../targets/open-target.js';
import { printable } from '../oci/text.js';
import { resolve as resolvePath } from 'node:path';

/** GHCR takes a workflow's token under any user name; this is the one GitHub documents. */
const GITHUB_TOKEN_USER = 'x-access-token';
const GHCR = 'ghcr.io';

/**
 * The job the step's inputs ask for. `open` is what every target is opened with besides (secrets
 * to mask, a debug observer); the workflow token serves ghcr.io when nothing else gives credentials.
 */
export function jobSettings(step: StepInputs, open: OpenTargetOptions): JobSettings {
  const inputs: CommonInputs = step.inputs;
  const shared: OpenTargetOptions = {
    ...open,
    plainHttp: inputs.plainHttp,
    ...(inputs.githubToken
      ? {
          fallbackCredentials: {
            registry: GHCR,
            username: GITHUB_TOKEN_USER,
            password: inputs.githubToken,
            from: 'the github-token input',
          },
        }
      : {}),
  };
  return {
    work: stepWork(step),
    image: { ...(inputs.platform ? { platform: inputs.platform } : {}), referrers: inputs.referrers, noClobber: inputs.noClobber },
    dryRun: inputs.dryRun,
    concurrency: inputs.concurrency,
    mount: inputs.mount,
    failFast: inputs.failFast,
    source: { ...shared, credentials: inputs.sourceCredentials },
    destination: { ...shared, credentials: inputs.destinationCredentials },
    trust: { ...(inputs.caFile ? { caFile: inputs.caFile } : {}), tlsVerify: inputs.tlsVerify },
    voice: ACTION_VOICE,
    ...(inputs.minPullsLeft !== undefined ? { minPullsLeft: inputs.minPullsLeft } : {}),
    ...(inputs.requestsPerSecond !== undefined ? { requestsPerSecond: inputs.requestsPerSecond } : {}),
    ...(inputs.lockFile ? { lock: { path: workspacePath(inputs.lockFile), name: printable(inputs.lockFile), locked: inputs.locked } } : {}),
    ...(inputs.integrity ? { integrity: inputs.integrity } : {}),
  };
}

/** One image to its destinations, a list of images, or one image acted on in place. */
function stepWork(step: StepInputs): JobSettings['work'] {
  if (step.mode === 'copy') return { kind: 'copy', source: step.inputs.source, destinations: step.inputs.destinations };
  if (step.mode === 'in-place') return { kind: 'in-place', operation: step.inputs.operation, reference: step.inputs.reference };
  return { kind: 'sync', entries: step.inputs.entries, ...(step.inputs.shard ? { shard: step.inputs.shard } : {}) };
}

/** A file of the workspace: relative to `GITHUB_WORKSPACE` (the working directory elsewhere). */
function workspacePath(path: string): string {
  return resolvePath(process.env.GITHUB_WORKSPACE || process.cwd(), path);
}
