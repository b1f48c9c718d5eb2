import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/descriptor.js';
import { isManifest } from '../oci/media-types.js';
import { isLocated, type ReadOnlyTarget } from '../targets/target.js';
import type { NodeAction } from './events.js';

/** Errors of an earlier destination that stopped giving a blob halfway: the copy reads it again, and gets it from the source. */
const holderFailures = new WeakSet<object>();

/** Whether a failed read was an earlier destination's (see `relaySource`), not the source's. */
export function failedAtHolder(err: unknown): boolean {
  return typeof err === 'object' && err !== null && holderFailures.has(err);
}

/** An earlier destination of the same image, and the blobs it is known to hold now. */
export interface BlobHolder {
  target: ReadOnlyTarget;
  holds(digest: string): boolean;
}

/**
 * A destination as the holder of what its copy did there (`nodes`: each node's action): the blobs
 * it wrote or mounted, and those it found there when it is a registry (which checked them when
 * they were stored; a file found by its size alone may hold other bytes).
 */
export function blobHolder(target: ReadOnlyTarget, nodes: Iterable<{ digest: string; action: NodeAction }>): BlobHolder {
  const found = isLocated(target);
  const held = new Set<string>();
  for (const n of nodes) if (n.action === 'copied' || n.action === 'mounted' || (found && n.action === 'exists')) held.add(n.digest);
  return { target, holds: (digest) => held.has(digest) };
}

/**
 * The source as a later destination of one image reads it: a blob an earlier destination holds
 * is read from there, so the source gives each blob once however many destinations there are.
 * Files come first (a layout on this disk); registries only for a source that is a registry too
 * (a file source is read again rather than a blob downloaded). A holder that cannot give the blob
 * (an archive being written, a registry that refuses) leaves it to the next, and last to the
 * source; one whose read breaks off halfway makes the copy read the blob again, from the next.
 * Everything else is the source's own, its location included, so mounts from the source repository
 * and what the blob-info cache learns stay as they are; every byte is verified by the copy as ever.
 * With no holder that fits, the source itself.
 */
export function relaySource(src: ReadOnlyTarget, holders: readonly BlobHolder[]): ReadOnlyTarget {
  const fromRegistry = isLocated(src);
  const usable = [...holders.filter((h) => !isLocated(h.target)), ...(fromRegistry ? holders.filter((h) => isLocated(h.target)) : [])];
  if (!usable.length) return src;
  /** Holders that failed a read, by digest: asked no more for that blob. */
  const failed = new Set<string>();
  const fetch = async (desc: Descriptor, signal?: AbortSignal): Promise<Readable> => {
    if (!isManifest(desc.mediaType)) {
      for (const [i, holder] of usable.entries()) {
        const key = `${i} ${desc.digest}`;
        if (failed.has(key) || !holder.holds(desc.digest)) continue;
        signal?.throwIfAborted();
        let stream: Readable;
        try {
          stream = await holder.target.fetch(desc, signal);
        } catch {
          // this holder cannot give it after all: the next one, or the source
          failed.add(key);
          continue;
        }
        // Cut halfway: the copy reads the blob again (see `failedAtHolder`), and this holder is skipped.
        stream.once('error', (err: unknown) => {
          failed.add(key);
          if (typeof err === 'object' && err !== null) holderFailures.add(err);
        });
        return stream;
      }
    }
    return src.fetch(desc, signal);
  };
  return new Proxy(src, {
    get(target, property) {
      if (property === 'fetch') return fetch;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
