import * as core from '@actions/core';
import { InputError, messageOf } from '../oci/errors.js';
import type { Reference } from '../oci/reference.js';
import { runJob } from '../job/run-job.js';
import { parseStepInputs, type Inputs } from './inputs.js';
import { Input } from '../settings/names.js';
import { httpEventLine, type HttpEvent } from '../targets/registry/network/observer.js';
import { handleInterrupts, interruptedBy } from '../runtime/interrupt.js';
import { actionCacheStore } from './blob-cache-store.js';
import { log } from './log.js';
import { writeOutputs } from './outputs.js';
import { actionReporter } from './run-log.js';
import { jobSettings } from './settings.js';
import { signatureSettings } from './signing.js';
import { writeSummary } from './summary.js';

/**
 * The action: inputs → one job (one image to its destinations, or a sync list) → outputs, summary
 * and the step's one failure line. The job runner does the rest; a failed image or destination
 * fails the step at the end, after every other one was tried and reported.
 */
export async function run(): Promise<void> {
  // A cancelled job (SIGINT, then SIGTERM) removes what it was writing and says so.
  const stopHandling = handleInterrupts({ say: log.failed });
  try {
    maskSecretInputs();
    const step = await parseStepInputs((name) => core.getInput(name));
    if (step.mode === 'copy') refuseStandardStreams(step.inputs);
    // What a copy would use and an image acted on in place does not: said, not dropped in silence.
    if (step.mode === 'in-place') for (const line of step.inputs.unused) log.warning(line);
    const settings = jobSettings(step, {
      onSecret: (secret: string) => core.setSecret(secret),
      // With step debug logging on, every request and its status, credentials redacted.
      ...(core.isDebug() ? { onHttp: (event: HttpEvent) => log.debug(httpEventLine(event)) } : {}),
    });
    Object.assign(settings, await signatureSettings(step));
    const shard = step.mode === 'sync' ? step.inputs.shard : undefined;
    const cacheStore = step.inputs.blobCache ? actionCacheStore(step.inputs.blobCacheKey, shard) : undefined;
    const outcome = await runJob(settings, { reporter: actionReporter(step), ...(cacheStore ? { cacheStore } : {}) });
    writeOutputs(outcome, settings.integrity !== undefined);
    await writeSummary(outcome, step.mode === 'in-place' ? step.inputs.unused : []);
    if (outcome.failure && !interruptedBy()) log.failed(outcome.failure);
  } catch (err) {
    // After an interrupt, what fails is its doing: the handler has the one error line.
    if (!interruptedBy()) log.failed(messageOf(err));
  } finally {
    stopHandling();
  }
}

/** Passwords go to the runner's mask before anything can log them. */
function maskSecretInputs(): void {
  for (const name of [Input.Password, Input.SourcePassword, Input.DestinationPassword, Input.GithubToken, Input.SignKeyPassword]) {
    const value = core.getInput(name);
    if (value) core.setSecret(value);
  }
  // A key given as its contents is masked line by line: the runner masks a multi-line value only whole.
  const key = core.getInput(Input.SignKey);
  if (key.includes('-----BEGIN'))
    for (const line of key
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('-----')))
      core.setSecret(line);
}

/** In a workflow, standard output is the log: an archive cannot go there, nor come from stdin. */
function refuseStandardStreams(inputs: Inputs): void {
  const all: Array<[Reference, string]> = [
    [inputs.source, Input.Source],
    ...inputs.destinations.map((d): [Reference, string] => [d, Input.Destination]),
  ];
  for (const [ref, name] of all) {
    if (ref.transport !== 'registry' && ref.path === '-') {
      throw new InputError(
        `input "${name}" names standard ${name === Input.Source ? 'input' : 'output'} ("${ref.transport}:-"), which a workflow step does not have for data: give a file path`,
      );
    }
  }
}
