import { blobRecords, formatBytes, formatDuration } from '../copy/report.js';
import { itemError, type ItemResult } from '../run/run.js';
import type { Console } from './console.js';

export interface CopyResult {
  /** The source's description. */
  source: string;
  /** One per destination, in order. */
  results: ItemResult[];
  dryRun: boolean;
}

/**
 * The end of a copy, in one place: per destination what went where (or why not), the digest, and
 * the totals, on standard error; with `json`, the per-node account on standard output (for one
 * destination the shape it always had; for several, `blobs` name their destination and
 * `destinations` list the tags and status of each).
 */
export function printCopyResult(console: Console, stdout: { write(text: string): unknown }, result: CopyResult, json: boolean): void {
  for (const r of result.results) {
    const t = r.report.totals();
    if (r.status === 'failed' || r.status === 'skipped') {
      console.line(`${r.status === 'failed' ? 'Failed' : 'Not attempted'}: ${result.source} => ${r.destination}: ${itemError(r)}`);
      continue;
    }
    if (r.status === 'unchanged') console.line(`Unchanged: ${r.destinationDescription} already names ${r.root?.digest}`);
    else console.line(`${result.dryRun ? 'Would copy' : 'Copied'} ${result.source} => ${r.destinationDescription}`);
    console.line(`Digest: ${r.root?.digest}`);
    if (r.status === 'unchanged' && t.nodes <= 1) continue;
    console.line(
      result.dryRun
        ? `Would copy ${t.copied} (${formatBytes(t.bytesCopied)}) and mount ${t.mounted} (${formatBytes(t.bytesMounted)}); ${t.existing} already there; checked in ${formatDuration(r.report.durationMs)}`
        : `${t.copied} copied (${formatBytes(t.bytesCopied)}), ${t.mounted} mounted (${formatBytes(t.bytesMounted)}), ${t.existing} already there, in ${formatDuration(r.report.durationMs)}`,
    );
  }
  if (!json) return;
  const { dryRun, results } = result;
  const root = results.find((r) => r.root && r.status !== 'failed')?.root;
  const head = root ? { digest: root.digest, mediaType: root.mediaType, size: root.size } : {};
  const account =
    results.length === 1
      ? { ...head, dryRun, status: results[0].status, tags: results[0].report.tags, blobs: results[0].report.nodes }
      : {
          ...head,
          dryRun,
          destinations: results.map((r) => ({ destination: r.destination, status: r.status, tags: r.report.tags, ...(r.error !== undefined ? { error: itemError(r) } : {}) })),
          blobs: blobRecords(results.filter((r) => r.status !== 'failed').map((r) => ({ destination: r.destination, report: r.report }))),
        };
  stdout.write(`${JSON.stringify(account)}\n`);
}
