import type { CommonInputs, StepInputs } from './inputs.js';
import { ACTION_VOICE } from '../settings/voice.js';
import type { JobSettings } from '../job/settings.js';
import type { OpenTargetOptions } from '../targets/open-target.js';

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
    work:
      step.mode === 'copy'
        ? { kind: 'copy', source: step.inputs.source, destinations: step.inputs.destinations }
        : { kind: 'sync', entries: step.inputs.entries, ...(step.inputs.shard ? { shard: step.inputs.shard } : {}) },
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
    ...(inputs.integrity ? { integrity: inputs.integrity } : {}),
  };
}
