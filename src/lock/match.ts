import { formatReference, type Reference } from '../oci/reference.js';
import type { PlanItem } from '../plan/plan.js';
import type { Lock, LockedEntry } from './lock-file.js';

/**
 * A lock's entries found by the items of a plan. An entry is written with the references an
 * image got (`registry/app:1.2`, the destination with its tags or `@digest`); an item is planned
 * with the references its entry gives (a destination without tags takes the source's, a registry
 * source without a tag is `latest`). Both are compared as what they mean, not as text.
 */
export class LockIndex {
  private readonly byRepositories = new Map<string, LockedEntry[]>();

  constructor(readonly lock: Lock) {
    for (const e of lock.entries) {
      const key = pairKey(e.sourceRef, e.destinationRef);
      const list = this.byRepositories.get(key);
      if (list) list.push(e);
      else this.byRepositories.set(key, [e]);
    }
  }

  /**
   * The tags the lock holds for a source repository (`registry/app`), in the lock's order, each
   * once: a whole repository's tags as they were when the lock was written.
   */
  tagsOf(repository: Reference): string[] {
    const key = bare(repository);
    const tags = new Set<string>();
    for (const e of this.lock.entries) if (bare(e.sourceRef) === key) for (const t of e.sourceRef.tags) tags.add(t);
    return [...tags];
  }

  /** The entry that locks `item`, or undefined when the lock does not know it. */
  find(item: PlanItem): LockedEntry | undefined {
    const candidates = this.byRepositories.get(pairKey(item.source, item.destination)) ?? [];
    return candidates.find((e) => matches(e, item));
  }
}

/** Source and destination, each without its tags and digest. */
function pairKey(source: Reference, destination: Reference): string {
  return `${bare(source)}\u0000${bare(destination)}`;
}

function bare(ref: Reference): string {
  return formatReference({ ...ref, tags: [], digest: undefined });
}

function matches(e: LockedEntry, item: PlanItem): boolean {
  const src = item.source;
  const dst = item.destination;
  const es = e.sourceRef;
  const ed = e.destinationRef;
  // The source: the same digest, the same tags, or (named by neither) the one tag it was read by.
  if (src.digest) {
    if (es.digest !== src.digest) return false;
  } else if (src.tags.length) {
    if (!sameTags(es.tags, src.tags)) return false;
  } else if (src.transport === 'registry' ? !sameTags(es.tags, ['latest']) : es.tags.length > 1) return false;
  // The destination: its own tags or digest, else what it took from the source.
  if (dst.tags.length) return sameTags(ed.tags, dst.tags);
  if (dst.digest) return ed.digest === dst.digest;
  return es.tags.length ? sameTags(ed.tags, es.tags) : !ed.tags.length && ed.digest === e.digest;
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
