import * as core from '@actions/core';
import type { CopyOptions } from '../copy/options.js';
import { InputError, messageOf } from '../oci/errors.js';
import type { Reference } from '../oci/reference.js';
import type { PlanItem } from '../plan/plan.js';
import { runPlan } from '../run/run.js';
import { planSync } from '../run/sync.js';
import { TargetPool } from '../run/target-pool.js';
import type { OpenTargetOptions } from '../targets/open-target.js';
import { parseStepInputs, type CommonInputs, type Inputs, type StepInputs, type SyncInputs } from '../inputs/inputs.js';
import { Input } from '../inputs/names.js';
import { loadNetwork } from '../inputs/network.js';
import { ACTION_VOICE } from '../inputs/voice.js';
import { httpEventLine, type HttpEvent } from '../targets/registry/network/observer.js';
import { handleInterrupts, interruptedBy, onInterrupt } from '../runtime/interrupt.js';
import { type BlobCacheRestore, describeBlobCache, restoreBlobCache, saveBlobCache } from './blob-cache-store.js';
import { log } from './log.js';
import { failureLine, writeOutputs, writeSummary } from './report.js';
import { liveReporter, syncReporter } from './run-log.js';

/**
 * The action: inputs → a plan (one image to its destinations, or a sync list expanded into images)
 * → the run → outputs, summary and log, with the blob-info cache restored before and saved after.
 * Both kinds of step go down the one path; a failed image or destination fails the step at the
 * end, after every other one was tried and reported.
 */
export async function run(): Promise<void> {
  let pool: TargetPool | undefined;
  // A cancelled job (SIGINT, then SIGTERM) removes what it was writing and says so.
  const stopHandling = handleInterrupts({ say: log.failed });
  const dropCleanup = onInterrupt(() => pool?.close('failure'));
  try {
    maskSecretInputs();
    const step = parseStepInputs((name) => core.getInput(name));
    const inputs: CommonInputs = step.inputs;
    if (step.mode === 'copy') refuseStandardStreams(step.inputs);
    const network = await loadNetwork(inputs, ACTION_VOICE, (line) => log.warning(line));
    const cache = await restoreCache(step);
    const shared: OpenTargetOptions = {
      plainHttp: inputs.plainHttp,
      onSecret: (secret: string) => core.setSecret(secret),
      githubToken: inputs.githubToken,
      network,
      // With step debug logging on, every request and its status, credentials redacted.
      ...(core.isDebug() ? { onHttp: (event: HttpEvent) => log.debug(httpEventLine(event)) } : {}),
    };
    pool = new TargetPool(
      { ...shared, credentials: inputs.sourceCredentials },
      { ...shared, credentials: inputs.destinationCredentials, dryRun: inputs.dryRun },
    );
    const items = step.mode === 'copy' ? copyItems(step.inputs) : await planItems(step.inputs, pool);
    const copy: CopyOptions = {
      concurrency: inputs.concurrency,
      mount: inputs.mount,
      blobCache: cache?.cache,
      platform: inputs.platform,
      referrers: inputs.referrers,
      dryRun: inputs.dryRun,
      noClobber: inputs.noClobber,
    };
    const startedAt = Date.now();
    const results = await runPlan(items, pool, {
      copy,
      // One image to several places: one after another, each in its own live log group. Many
      // images: several at a time, each one's lines gathered into its group when it is done.
      parallel: step.mode === 'copy' ? 1 : inputs.concurrency,
      failFast: inputs.failFast,
      walkInDryRun: step.mode === 'copy',
      reporter: step.mode === 'copy' ? liveReporter(step.inputs) : syncReporter(items.length, inputs.dryRun),
    });
    const rateLimits = pool.rateLimits();
    const closing = pool.close();
    pool = undefined;
    await closing;

    const succeeded = results.some((r) => r.status !== 'failed' && r.status !== 'skipped');
    const saved = cache && !inputs.dryRun && succeeded ? await saveBlobCache(cache.cache, inputs.blobCacheKey, restoredKey(cache.restore), shardOf(step)) : undefined;
    const outcome = {
      mode: step.mode,
      results,
      dryRun: inputs.dryRun,
      durationMs: Date.now() - startedAt,
      rateLimits,
      ...(step.mode === 'copy' ? { operations: step.inputs.operations } : {}),
      ...(cache ? { cacheNote: describeBlobCache(cache.restore, saved) } : {}),
    };
    writeOutputs(outcome);
    await writeSummary(outcome);
    const failed = failureLine(outcome);
    if (failed && !interruptedBy()) log.failed(failed);
  } catch (err) {
    await pool?.close().catch(() => undefined);
    // After an interrupt, what fails is its doing: the handler has the one error line.
    if (!interruptedBy()) log.failed(messageOf(err));
  } finally {
    dropCleanup();
    stopHandling();
  }
}

/** The one-image step as a plan: one item per destination, all of the same source. */
function copyItems(inputs: Inputs): PlanItem[] {
  return inputs.destinations.map((destination) => ({ entry: 0, source: inputs.source, destination }));
}

/** The sync list expanded (tag lists read, filters applied), then this job's shard of it. */
async function planItems(inputs: SyncInputs, pool: TargetPool): Promise<PlanItem[]> {
  const { all, items } = await planSync(inputs.entries, pool, inputs.shard);
  const share = inputs.shard ? `; shard ${inputs.shard.index}/${inputs.shard.count} takes ${items.length}` : '';
  log.info(`${inputs.origin}: ${inputs.entries.length} ${inputs.entries.length === 1 ? 'entry' : 'entries'}, ${all.length} ${all.length === 1 ? 'image' : 'images'}${share}`);
  return items;
}

function shardOf(step: StepInputs): SyncInputs['shard'] {
  return step.mode === 'sync' ? step.inputs.shard : undefined;
}

/** Passwords go to the runner's mask before anything can log them. */
function maskSecretInputs(): void {
  for (const name of [Input.Password, Input.SourcePassword, Input.DestinationPassword, Input.GithubToken]) {
    const value = core.getInput(name);
    if (value) core.setSecret(value);
  }
}

/** In a workflow, standard output is the log: an archive cannot go there, nor come from stdin. */
function refuseStandardStreams(inputs: Inputs): void {
  const all: Array<[Reference, string]> = [[inputs.source, Input.Source], ...inputs.destinations.map((d): [Reference, string] => [d, Input.Destination])];
  for (const [ref, name] of all) {
    if (ref.transport !== 'registry' && ref.path === '-') {
      throw new InputError(`input "${name}" names standard ${name === Input.Source ? 'input' : 'output'} ("${ref.transport}:-"), which a workflow step does not have for data: give a file path`);
    }
  }
}

/** The blob-info cache only helps mounts into registries. */
async function restoreCache(step: StepInputs) {
  const inputs = step.inputs;
  if (!inputs.blobCache || !inputs.mount) return undefined;
  if (step.mode === 'copy' && !step.inputs.destinations.some((d) => d.transport === 'registry')) return undefined;
  return restoreBlobCache(inputs.blobCacheKey, shardOf(step));
}

function restoredKey(restore: BlobCacheRestore): string | undefined {
  return restore.status === 'restored' ? restore.key : undefined;
}

