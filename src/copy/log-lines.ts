import { shortDigest } from '../oci/descriptor.js';
import { isIndex } from '../oci/media-types.js';
import { formatPlatform } from '../oci/platform.js';
import { referrerLabel } from '../oci/referrer-kinds.js';
import { printable } from '../oci/text.js';
import type { CopyEvent } from './events.js';

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
          return `Copied  ${nodeId(event.node)}`;
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
      if (event.previous) return `tag ${tag} ${event.dryRun ? 'would move' : 'moved'} from ${printable(event.previous)} to ${event.node.digest}`;
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
    case 'notice':
      return event.message;
    default:
      return undefined;
  }
}

function nodeId(node: { digest: string; mediaType: string }): string {
  return `${shortDigest(node.digest)} ${printable(node.mediaType, 128)}`;
}
