import * as core from '@actions/core';
import { copyToMany, defaultSelector, type Destination } from '../copy/copy.js';
import { CopyReport } from '../copy/report.js';
import type { BlobInfoCache } from '../blob-cache/types.js';
import type { Descriptor } from '../oci/descriptor.js';
import { InputError, messageOf } from '../oci/errors.js';
import { formatReference, type Reference } from '../oci/reference.js';
import { openDestination, openSource } from '../targets/open-target.js';
import type { ReadOnlyTarget } from '../targets/target.js';
import { type BlobCacheRestore, describeBlobCache, restoreBlobCache, saveBlobCache } from './blob-cache-store.js';
import { parseInputs, type Inputs } from '../inputs/inputs.js';
import { Input } from '../inputs/names.js';
import { loadNetwork } from '../inputs/network.js';
import { ACTION_VOICE } from '../inputs/voice.js';
import { httpEventLine } from '../targets/registry/network/observer.js';
import { logEvents, writeOutputs, writeSummary, type DestinationOutcome } from './report.js';
import { log } from './log.js';

/** The action: inputs → targets → copy → outputs and summary, with the blob-info cache around it. */
export async function run(): Promise<void> {
  const opened: ReadOnlyTarget[] = [];
  let outcome: 'success' | 'failure' = 'failure';
  try {
    maskSecretInputs();
    const inputs = parseInputs((name) => core.getInput(name));
    refuseStandardStreams(inputs);
    const network = await loadNetwork(inputs, ACTION_VOICE, (line) => core.warning(line));
    const cache = await restoreCache(inputs);
    const openOptions = {
      plainHttp: inputs.plainHttp,
      onSecret: (secret: string) => core.setSecret(secret),
      githubToken: inputs.githubToken,
      network,
      // With step debug logging on, every request and its status, credentials redacted.
      ...(core.isDebug() ? { onHttp: (event: Parameters<typeof httpEventLine>[0]) => core.debug(httpEventLine(event)) } : {}),
    };
    const src = await openSource(inputs.source, { ...openOptions, credentials: inputs.sourceCredentials });
    opened.push(src);
    const results: DestinationOutcome[] = [];
    const destinations: Destination[] = [];
    for (const [i, ref] of inputs.destinations.entries()) {
      const target = await openDestination(ref, { ...openOptions, credentials: inputs.destinationCredentials, dryRun: inputs.dryRun });
      opened.push(target);
      const report = new CopyReport();
      const log = logEvents();
      results.push({ operation: inputs.operations[i], destination: formatReference(ref), description: target.description, report });
      destinations.push({ target, ref, onEvent: (event) => (report.listener(event), log(event)) });
    }

    const root = await copyEach(inputs, src, destinations, results, cache?.cache);
    outcome = 'success';
    await closeAll(opened, outcome);

    const saved = cache && !inputs.dryRun ? await saveBlobCache(cache.cache, inputs.blobCacheKey, restoredKey(cache.restore)) : undefined;
    const result = {
      source: formatReference(inputs.source),
      root,
      destinations: results,
      dryRun: inputs.dryRun,
      cacheNote: cache ? describeBlobCache(cache.restore, saved) : undefined,
    };
    writeOutputs(result);
    await writeSummary(result);
  } catch (err) {
    await closeAll(opened, outcome);
    log.failed(messageOf(err));
  }
}

/** One log group per destination; the root is resolved once and every destination gets the same. */
async function copyEach(
  inputs: Inputs,
  src: ReadOnlyTarget,
  destinations: Destination[],
  results: DestinationOutcome[],
  blobCache: BlobInfoCache | undefined,
): Promise<Descriptor> {
  const options = {
    concurrency: inputs.concurrency,
    mount: inputs.mount,
    blobCache,
    platform: inputs.platform,
    referrers: inputs.referrers,
    dryRun: inputs.dryRun,
    noClobber: inputs.noClobber,
  };
  const manifestCache = new Map<string, Buffer>();
  let root: Descriptor | undefined;
  let sourceRoot: Descriptor | undefined;
  // What a source without tag means (`latest`, a file's one tag), decided once for every destination.
  const sourceRef = await defaultSelector(src, inputs.source);
  for (const [i, destination] of destinations.entries()) {
    const title = `${inputs.dryRun ? 'Dry run: ' : ''}${results[i].operation} ${src.description} => ${destination.target.description}`;
    // The first copy resolves the source; the others copy exactly that digest, choosing the same platforms from it.
    const srcRef = sourceRoot ? { tags: sourceRef.tags, digest: sourceRoot.digest } : sourceRef;
    const onEvent: Destination['onEvent'] = (event) => {
      if (event.type === 'resolved') sourceRoot ??= event.source;
      destination.onEvent?.(event);
    };
    root = await log.group(title, async () => {
      const copied = await copyToMany(src, srcRef, [{ ...destination, onEvent }], { ...options, manifestCache });
      results[i].report.finish();
      log.info(`${inputs.dryRun ? 'Would copy' : 'Copied'} ${src.description} => ${destination.target.description}`);
      log.info(`Digest: ${copied.digest}`);
      return copied;
    });
  }
  return root!;
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

async function restoreCache(inputs: Inputs) {
  if (!inputs.blobCache || !inputs.mount || !inputs.destinations.some((d) => d.transport === 'registry')) return undefined;
  return restoreBlobCache(inputs.blobCacheKey);
}

function restoredKey(restore: BlobCacheRestore): string | undefined {
  return restore.status === 'restored' ? restore.key : undefined;
}

async function closeAll(targets: ReadOnlyTarget[], outcome: 'success' | 'failure'): Promise<void> {
  const closing = targets.splice(0).map((t) => t.close(outcome));
  const results = await Promise.allSettled(closing);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed && outcome === 'success') throw (failed as PromiseRejectedResult).reason;
}
