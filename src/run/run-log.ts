import type { CopyEvent } from '../copy/events.js';
import { logLines } from '../copy/log-lines.js';
import { formatBytes } from '../copy/report.js';
import { formatReference } from '../oci/reference.js';
import { itemError, type ItemResult, type RunReporter } from './run.js';

/**
 * Where a run's lines go: the action's log (where a group folds), or a terminal or pipe (where
 * a group is a heading line). Every line reaching a sink is made safe by the sink.
 */
export interface LineSink {
  line(text: string): void;
  startGroup(title: string): void;
  endGroup(): void;
}

/** How often a sync of many images says how far it got. */
export const SYNC_PROGRESS_EVERY_MS = 10_000;

export interface CopyLogOptions {
  dryRun: boolean;
  /** The operation of each destination (`copy`, `import`, `export`), for group titles. */
  operations?: string[];
}

/**
 * The one-image step's log: a group per destination, open while it copies, with a line per node
 * as it happens; at its end what happened and the digest.
 */
export function copyLog(sink: LineSink, options: CopyLogOptions): RunReporter {
  const verb = options.dryRun ? 'Would copy' : 'Copied';
  return {
    itemStarted(item, index) {
      const operation = options.operations?.[index] ?? 'copy';
      sink.startGroup(`${options.dryRun ? 'Dry run: ' : ''}${operation} ${formatReference(item.source)} => ${formatReference(item.destination)}`);
      return logLines((line) => sink.line(line));
    },
    itemDone(result) {
      if (result.status === 'failed') sink.line(`Failed: ${itemError(result)}`);
      else if (result.status === 'skipped') sink.line(`Not attempted: ${itemError(result)}`);
      else if (result.status === 'unchanged') sink.line(`Unchanged: ${result.destination} already names ${result.root?.digest}`);
      else sink.line(`${verb} ${result.sourceDescription} => ${result.destinationDescription}`);
      if (result.root && result.status !== 'failed' && result.status !== 'skipped') sink.line(`Digest: ${result.root.digest}`);
      sink.endGroup();
    },
  };
}

/**
 * A sync's log: images copy several at a time, so each one's lines are gathered and printed as
 * one group when it is done (a copied or failed image), an unchanged image is one line, and every
 * few seconds a line says how far the whole sync got.
 */
export function syncLog(sink: LineSink, total: number, dryRun: boolean, now: () => number = Date.now): RunReporter {
  const buffers = new Map<number, string[]>();
  const counts = { copied: 0, unchanged: 0, failed: 0, skipped: 0, copy: 0 };
  let bytes = 0;
  let done = 0;
  let last = now();
  const tick = () => {
    const t = now();
    if (t - last < SYNC_PROGRESS_EVERY_MS || done === total) return;
    last = t;
    const verb = dryRun ? 'checked' : 'done';
    sink.line(
      `Progress: ${done} of ${total} images ${verb} (${dryRun ? `${counts.copy} to copy` : `${counts.copied} copied`}, ${counts.unchanged} unchanged, ${counts.failed} failed), ${buffers.size} in progress${dryRun ? '' : `, ${formatBytes(bytes)} moved`}`,
    );
  };
  return {
    itemStarted(_item, index) {
      const lines: string[] = [];
      buffers.set(index, lines);
      const log = logLines((line) => lines.push(line), now);
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
      if (result.status === 'unchanged') sink.line(`Unchanged ${pair} (${result.root?.digest})`);
      else if (result.status === 'skipped') sink.line(`Not attempted ${pair}: ${itemError(result)}`);
      else if (result.status === 'copy') sink.line(`Would copy ${pair}${result.root ? ` (${result.root.digest})` : ''}`);
      else {
        sink.startGroup(result.status === 'failed' ? `Failed ${pair}` : `Copied ${pair} (${result.root?.digest})`);
        for (const line of lines) sink.line(line);
        if (result.status === 'failed') sink.line(`Error: ${itemError(result)}`);
        sink.endGroup();
      }
      tick();
    },
  };
}

/** How many failed items a failure message names before it counts the rest. */
const NAMED_FAILURES = 3;

/**
 * A run's one failure line, or undefined when nothing failed: the error itself when the run had one
 * item, else each failed destination (`what` = destinations) or image, the first few, then a count.
 */
export function failureSummary(results: ItemResult[], what: 'destinations' | 'images'): string | undefined {
  const failed = results.filter((r) => r.status === 'failed');
  if (!failed.length) return undefined;
  if (what === 'destinations' && results.length === 1) return itemError(failed[0]);
  const named = failed.slice(0, NAMED_FAILURES).map((r) => (what === 'destinations' ? `${r.destination}: ${itemError(r)}` : `${r.source} => ${r.destination}: ${itemError(r)}`));
  const more = failed.length > NAMED_FAILURES ? `; and ${failed.length - NAMED_FAILURES} more` : '';
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const notTried = skipped ? ` (${skipped} not attempted: fail-fast)` : '';
  return `${failed.length} of ${results.length} ${what} failed${notTried}: ${named.join('; ')}${more}`;
}

/** One record per item, as the action's `images` output and `oci-copy sync --json` give them. */
export function imageRecords(results: ItemResult[]): Array<Record<string, unknown>> {
  return results.map((r) => ({
    source: r.source,
    destination: r.destination,
    ...(r.root ? { digest: r.root.digest } : {}),
    status: r.status,
    ...(r.error !== undefined ? { error: itemError(r) } : {}),
  }));
}

/** Bytes copied and mounted across a run's items. */
export function runTotals(results: ItemResult[]): { bytesCopied: number; bytesMounted: number } {
  let bytesCopied = 0;
  let bytesMounted = 0;
  for (const r of results) {
    const t = r.report.totals();
    bytesCopied += t.bytesCopied;
    bytesMounted += t.bytesMounted;
  }
  return { bytesCopied, bytesMounted };
}
