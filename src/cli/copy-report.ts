import { blobRecords, CopyReport, formatBytes, formatDuration } from '../copy/report.js';
import type { Descriptor } from '../oci/descriptor.js';
import type { Console } from './console.js';

/** What one destination of a copy received, as the command line reports it. */
export interface DestinationResult {
  /** The reference as given. */
  reference: string;
  /** `[registry] host/repo`. */
  description: string;
  report: CopyReport;
}

export interface CopyResult {
  /** The source's description. */
  source: string;
  root: Descriptor;
  destinations: DestinationResult[];
  dryRun: boolean;
}

/**
 * The end of a copy, in one place: per destination what went where, the digest, and the totals, on
 * standard error; with `json`, the per-node account on standard output (for one destination the
 * shape it always had; for several, `blobs` name their destination and `destinations` list the tags).
 */
export function printCopyResult(console: Console, stdout: { write(text: string): unknown }, result: CopyResult, json: boolean): void {
  for (const d of result.destinations) {
    const t = d.report.totals();
    console.line(`${result.dryRun ? 'Would copy' : 'Copied'} ${result.source} => ${d.description}`);
    console.line(`Digest: ${result.root.digest}`);
    console.line(
      result.dryRun
        ? `Would copy ${t.copied} (${formatBytes(t.bytesCopied)}) and mount ${t.mounted} (${formatBytes(t.bytesMounted)}); ${t.existing} already there; checked in ${formatDuration(d.report.durationMs)}`
        : `${t.copied} copied (${formatBytes(t.bytesCopied)}), ${t.mounted} mounted (${formatBytes(t.bytesMounted)}), ${t.existing} already there, in ${formatDuration(d.report.durationMs)}`,
    );
  }
  if (!json) return;
  const { root, dryRun, destinations } = result;
  const account =
    destinations.length === 1
      ? { digest: root.digest, mediaType: root.mediaType, size: root.size, dryRun, tags: destinations[0].report.tags, blobs: destinations[0].report.nodes }
      : {
          digest: root.digest,
          mediaType: root.mediaType,
          size: root.size,
          dryRun,
          destinations: destinations.map((d) => ({ destination: d.reference, tags: d.report.tags })),
          blobs: blobRecords(destinations.map((d) => ({ destination: d.reference, report: d.report }))),
        };
  stdout.write(`${JSON.stringify(account)}\n`);
}
