import { shortDigest } from '../oci/descriptor.js';
import { printable } from '../oci/text.js';
import type { CopyEvent } from './events.js';

/**
 * The line a person reads for an event, in the style oras users know: `Copying 1a2b3c4d5e6f
 * application/vnd.oci.image.layer.v1.tar+gzip`, `Exists …`, `Mounted sha256:… from REPO`. A mounted
 * blob gets no `Copying` line. Progress events have no line here: how often to show progress is
 * the caller's choice (a terminal redraws, a workflow log prints every few seconds). Media types,
 * repository names and tags come from outside: they are made printable.
 */
export function eventLine(event: CopyEvent): string | undefined {
  const id = `${shortDigest(event.node.digest)} ${printable(event.node.mediaType)}`;
  switch (event.type) {
    case 'started':
      return `Copying ${id}`;
    case 'done':
      switch (event.action) {
        case 'copied':
          return `Copied  ${id}`;
        case 'exists':
          return `Exists  ${id}`;
        case 'mounted':
          return `Mounted ${event.node.digest} from ${printable(event.from)}`;
        case 'copy':
          return `Would copy  ${id}`;
        case 'mount':
          return `Would mount ${event.node.digest} from ${printable(event.from)}`;
      }
      return undefined;
    case 'tagged':
      return `Tagged  ${printable(event.reference)}`;
    default:
      return undefined;
  }
}
