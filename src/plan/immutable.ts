import { messageOf, NotFoundError } from '../oci/errors.js';
import type { RegistryReference } from '../oci/reference.js';
import type { SyncEntry } from './entries.js';
import type { PlanItem, TagListing } from './plan.js';

export interface ImmutableOutcome {
  /** The items, those known unchanged marked `unchanged: 'immutable'`, in the same order. */
  items: PlanItem[];
  /** Each destination repository's tags as listed (`host/repo` → tags), for prune to use again. */
  destinationTags: Map<string, string[]>;
  /** Destinations whose tags could not be listed: their items are compared as usual. */
  problems: { entry: number; destination: string; message: string }[];
}

/**
 * Release tags never move: an item whose destination tags all match its entry's `immutable-tags`
 * and all exist at the destination is marked unchanged, and the run reads neither side for it. Each
 * destination repository's tag list is read once (a mirror of 5,000 release tags costs one list
 * per side instead of 5,000 HEADs per side). A repository that does not exist yet has no tags; one
 * whose list is refused is compared as usual, and said so in `problems`.
 */
export async function applyImmutableTags(
  items: PlanItem[],
  entries: SyncEntry[],
  listDestinationTags: TagListing,
  options: { concurrency?: number } = {},
): Promise<ImmutableOutcome> {
  const patterns = new Map(entries.filter((e) => e.immutableTags?.length).map((e) => [e.number, e.immutableTags!]));
  const destinationTags = new Map<string, string[]>();
  const problems: ImmutableOutcome['problems'] = [];
  if (!patterns.size) return { items, destinationTags, problems };

  const wanted = new Map<string, { ref: RegistryReference; entry: number }>();
  for (const item of items) {
    const dst = item.destination;
    if (!patterns.has(item.entry) || item.failure || dst.transport !== 'registry') continue;
    const key = repositoryKey(dst);
    if (!wanted.has(key)) wanted.set(key, { ref: { ...dst, tags: [], digest: undefined }, entry: item.entry });
  }
  const queue = [...wanted];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, { ref, entry }] = next;
      try {
        destinationTags.set(key, await listDestinationTags(ref));
      } catch (err) {
        if (err instanceof NotFoundError) destinationTags.set(key, []);
        else problems.push({ entry, destination: key, message: messageOf(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, worker));

  const present = new Map([...destinationTags].map(([key, tags]) => [key, new Set(tags)]));
  const marked = items.map((item): PlanItem => {
    const globs = patterns.get(item.entry);
    const dst = item.destination;
    if (!globs || item.failure || dst.transport !== 'registry' || dst.digest) return item;
    const has = present.get(repositoryKey(dst));
    // The tags the destination gets: its own, or (an image entry to a bare repository) the source's.
    const tags = dst.tags.length ? dst.tags : item.source.tags;
    const known = has && tags.length > 0 && tags.every((t) => has.has(t) && globs.some((re) => re.test(t)));
    return known ? { ...item, unchanged: 'immutable' } : item;
  });
  return { items: marked, destinationTags, problems };
}

function repositoryKey(ref: RegistryReference): string {
  return `${ref.registry}/${ref.repository}`;
}
