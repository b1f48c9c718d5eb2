import { shortDigest } from '../../oci/descriptor.js';
import { isIndex } from '../../oci/media-types.js';
import { formatPlatform } from '../../oci/platform.js';
import { referrerLabel } from '../../oci/referrer-kinds.js';
import { printable } from '../../oci/text.js';
import type { CopyEvent, CopyListener } from '../../copy/events.js';
import { formatBytes } from '../outcome/copy-report.js';

/**
 * The line a person reads for an event, in the style oras users know: `Copying 1a2b3c4d5e6f
 * application/vnd.oci.image.layer.v1.tar+gzip`, `Exists …`, `Mounted sha256:… from REPO`. A mounted
 * blob gets no `Copying` line. Progress events have no line here: how often to show progress is
 * the caller's choice (a terminal redraws, a workflow log prints every few seconds). Media types,
 * repository names, tags and platforms come from outside: they are made printable. A dry run's
 * lines say what would happen.
 */
export function eventLine(event: CopyEvent): string | undefined {
  switch (event.type) {
    case 'started':
      return `Copying ${nodeId(event.node)}`;
    case 'done':
      switch (event.action) {
        case 'copied':
          return `Copied  ${nodeId(event.node)}${event.resent ? ` (${formatBytes(event.resent)} resent)` : ''}`;
        case 'exists':
          return `Exists  ${nodeId(event.node)}`;
        case 'mounted':
          return `Mounted ${event.node.digest} from ${printable(event.from)}`;
        case 'copy':
          return `Would copy  ${nodeId(event.node)}`;
        case 'mount':
          return `Would mount ${event.node.digest} from ${printable(event.from)}`;
      }
      return undefined;
    case 'tagged': {
      const tag = printable(event.reference);
      if (event.previous === event.node.digest) return `tag ${tag} already names ${event.node.digest}`;
      if (event.previous)
        return `tag ${tag} ${event.dryRun ? 'would move' : 'moved'} from ${printable(event.previous)} to ${event.node.digest}`;
      return event.dryRun ? `Would tag ${tag}` : `Tagged  ${tag}`;
    }
    case 'stored':
      return `${event.dryRun ? 'Would store' : 'Stored'} by digest ${event.node.digest}`;
    case 'resolved': {
      if (event.node.digest === event.source.digest) return undefined;
      const platforms = (event.platforms ?? []).map((p) => printable(formatPlatform(p.platform))).join(', ');
      const what = isIndex(event.node.mediaType) ? 'new index' : 'manifest';
      return `Selected ${platforms || 'platforms'} of index ${event.source.digest}: ${what} ${event.node.digest}`;
    }
    case 'referrers': {
      const n = event.referrers.length;
      if (n === 0) return event.depth === 0 ? `no referrers found for ${event.node.digest}` : undefined;
      return `${n} referrer${n === 1 ? '' : 's'} of ${event.node.digest}: ${event.referrers.map(referrerLabel).join(', ')}`;
    }
    case 'resumed':
      return `Resumed ${shortDigest(event.node.digest)} at byte ${event.offset} of ${event.node.size} (${printable(event.reason, 200)}): ${formatBytes(event.resent)} resent`;
    case 'notice':
      return event.message;
    default:
      return undefined;
  }
}

function nodeId(node: { digest: string; mediaType: string }): string {
  return `${shortDigest(node.digest)} ${printable(node.mediaType, 128)}`;
}

/** How often a long transfer prints a progress line where lines cannot be redrawn (a workflow log, a pipe). */
export const PROGRESS_EVERY_MS = 5000;

/**
 * Lines for a log that only appends: one per event, and for a blob that takes long a progress line
 * every few seconds with bytes, percent and rate (`  1a2b3c4d5e6f 120.0 MiB / 750.0 MiB (16%) 40.0 MiB/s`).
 */
export function logLines(emit: (line: string) => void, now: () => number = Date.now): CopyListener {
  const started = new Map<string, { at: number; last: number; resent: number }>();
  return (event) => {
    if (event.type === 'progress') {
      const s = started.get(event.node.digest);
      const t = now();
      if (s && t - s.last >= PROGRESS_EVERY_MS) {
        s.last = t;
        const pct = event.node.size ? Math.floor((event.bytes / event.node.size) * 100) : 100;
        const rate = event.bytes / Math.max(1, (t - s.at) / 1000);
        emit(
          `  ${shortDigest(event.node.digest)} ${formatBytes(event.bytes)} / ${formatBytes(event.node.size)} (${pct}%) ${formatBytes(rate)}/s${s.resent ? `, ${formatBytes(s.resent)} resent` : ''}`,
        );
      }
      return;
    }
    if (event.type === 'started' && !started.has(event.node.digest)) started.set(event.node.digest, { at: now(), last: now(), resent: 0 });
    if (event.type === 'resumed') {
      const s = started.get(event.node.digest);
      if (s) s.resent += event.resent;
    }
    if (event.type === 'done') started.delete(event.node.digest);
    const line = eventLine(event);
    if (line) emit(line);
  };
}
