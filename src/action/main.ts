import * as core from '@actions/core';
import { copy } from '../copy/copy.js';
import { CopyReport } from '../copy/report.js';
import { messageOf } from '../oci/errors.js';
import { formatReference } from '../oci/reference.js';
import { openSource, openDestination } from '../targets/open-target.js';
import type { ReadOnlyTarget } from '../targets/target.js';
import { type BlobCacheRestore, describeBlobCache, restoreBlobCache, saveBlobCache } from './blob-cache-store.js';
import { parseInputs, type Inputs } from './inputs.js';
import { Input } from './names.js';
import { logEvents, writeOutputs, writeSummary } from './report.js';

/** The action: inputs → targets → copy → outputs and summary, with the blob-info cache around it. */
export async function run(): Promise<void> {
  const opened: ReadOnlyTarget[] = [];
  let outcome: 'success' | 'failure' = 'failure';
  try {
    maskSecretInputs();
    const inputs = parseInputs((name) => core.getInput(name));
    const cache = await restoreCache(inputs);
    const openOptions = { plainHttp: inputs.plainHttp, onSecret: (secret: string) => core.setSecret(secret) };
    const src = await openSource(inputs.source, { ...openOptions, credentials: inputs.sourceCredentials });
    opened.push(src);
    const dst = await openDestination(inputs.destination, { ...openOptions, credentials: inputs.destinationCredentials });
    opened.push(dst);

    const source = formatReference(inputs.source);
    const destination = formatReference(inputs.destination);
    core.info(`${inputs.dryRun ? 'Dry run of ' : ''}${inputs.operation}: ${src.description} => ${dst.description}`);
    const report = new CopyReport();
    const log = logEvents();
    const root = await copy(src, inputs.source, dst, inputs.destination, {
      concurrency: inputs.concurrency,
      mount: inputs.mount,
      blobCache: cache?.cache,
      platform: inputs.platform,
      dryRun: inputs.dryRun,
      onEvent: (event) => {
        report.listener(event);
        log(event);
      },
    });
    report.finish();
    outcome = 'success';
    await closeAll(opened, outcome);
    core.info(`${inputs.dryRun ? 'Would copy' : 'Copied'} ${src.description} => ${dst.description}`);
    core.info(`Digest: ${root.digest}`);

    const saved = cache && !inputs.dryRun ? await saveBlobCache(cache.cache, inputs.blobCacheKey, restoredKey(cache.restore)) : undefined;
    const cacheNote = cache ? describeBlobCache(cache.restore, saved) : undefined;
    const result = { operation: inputs.operation, source, destination, root, report, dryRun: inputs.dryRun, cacheNote };
    writeOutputs(result);
    await writeSummary(result);
  } catch (err) {
    await closeAll(opened, outcome);
    core.setFailed(messageOf(err));
  }
}

/** Passwords go to the runner's mask before anything can log them. */
function maskSecretInputs(): void {
  for (const name of [Input.Password, Input.SourcePassword, Input.DestinationPassword]) {
    const value = core.getInput(name);
    if (value) core.setSecret(value);
  }
}

async function restoreCache(inputs: Inputs) {
  if (!inputs.blobCache || !inputs.mount || inputs.destination.transport !== 'registry') return undefined;
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
