import type { CopyEvent } from '../copy/events.js';
import { formatBytes } from '../copy/report.js';
import { itemError, type ItemResult, type RunReporter } from '../run/run.js';
import { formatReference } from '../oci/reference.js';
import type { Inputs } from '../inputs/inputs.js';
import { log, logEvents } from './log.js';

/** How often a sync of many images says how far it got. */
const SYNC_PROGRESS_EVERY_MS = 10_000;

/**
 * The one-image step's log: a group per destination, open while it copies, with a line per node
 * as it happens and a progress line every few seconds for a large blob.
 */
export function liveReporter(inputs: Inputs): RunReporter {
  const verb = inputs.dryRun ? 'Would copy' : 'Copied';
  return {
    itemStarted(item, index) {
      const operation = inputs.operations[index] ?? 'copy';
      log.startGroup(`${inputs.dryRun ? 'Dry run: ' : ''}${operation} ${formatReference(item.source)} => ${formatReference(item.destination)}`);
      return logEvents();
    },
    itemDone(result) {
      if (result.status === 'failed') log.info(`Failed: ${itemError(result)}`);
      else if (result.status === 'unchanged') log.info(`Unchanged: ${result.destination} already names ${result.root?.digest}`);
      else log.info(`${verb} ${result.sourceDescription} => ${result.destinationDescription}`);
      if (result.root && result.status !== 'failed') log.info(`Digest: ${result.root.digest}`);
      log.endGroup();
    },
  };
}

/**
 * A sync's log: images copy several at a time, so each one's lines are gathered and printed as
 * one group when it is done (a copied or failed image), an unchanged image is one line, and every
 * few seconds a line says how far the whole sync got.
 */
export function syncReporter(total: number, dryRun: boolean, now: () => number = Date.now): RunReporter {
  const buffers = new Map<number, string[]>();
  const counts = { copied: 0, unchanged: 0, failed: 0, skipped: 0, copy: 0 };
  let bytes = 0;
  let done = 0;
  let last = now();
  const tick = () => {
    const t = now();
    if (t - last < SYNC_PROGRESS_EVERY_MS || done === total) return;
    last = t;
    const inFlight = buffers.size;
    log.info(`Progress: ${done} of ${total} images done (${counts.copied} copied, ${counts.unchanged} unchanged, ${counts.failed} failed), ${inFlight} in progress, ${formatBytes(bytes)} moved`);
  };
  return {
    itemStarted(_item, index) {
      const lines: string[] = [];
      buffers.set(index, lines);
      const log = logEvents(now, (line) => lines.push(line));
      return (event: CopyEvent) => {
        log(event);
        if (event.type === 'done' && event.action === 'copied') bytes += event.node.size;
        tick();
      };
    },
    itemDone(result: ItemResult, index) {
      const lines = buffers.get(index) ?? [];
      buffers.delete(index);
      done++;
      counts[result.status]++;
      const pair = `${result.source} => ${result.destination}`;
      if (result.status === 'unchanged') log.info(`Unchanged ${pair} (${result.root?.digest})`);
      else if (result.status === 'skipped') log.info(`Skipped ${pair}: ${itemError(result)}`);
      else if (result.status === 'copy' && dryRun) log.info(`Would copy ${pair}${result.root ? ` (${result.root.digest})` : ''}`);
      else {
        const title = result.status === 'failed' ? `Failed ${pair}` : `Copied ${pair} (${result.root?.digest})`;
        log.startGroup(title);
        for (const line of lines) log.info(line);
        if (result.status === 'failed') log.info(`Error: ${itemError(result)}`);
        log.endGroup();
      }
      tick();
    },
  };
}
