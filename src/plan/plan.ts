import { createHash } from 'node:crypto';
import type { Platform } from '../oci/descriptor.js';
import { InputError, messageOf } from '../oci/errors.js';
import { formatReference, type Reference, type RegistryReference } from '../oci/reference.js';
import { isAttachmentTag } from '../oci/referrer-kinds.js';
import { printable, quoted } from '../oci/text.js';
import type { SyncEntry } from './entries.js';
import type { InPlaceOperation } from './operation.js';
import { describeFilter, selectTags } from './tag-filter.js';

/**
 * One thing to copy: a source image (one tag or digest) to one destination reference, with the
 * options of its entry. A sync expands into many; the one-image step is a plan of one per
 * destination. `failure` marks an entry that could not be expanded (its tag list was refused):
 * it is reported like a failed copy.
 */
export interface PlanItem {
  /** The entry it came from (1-based); 0 for the one-image step. */
  entry: number;
  source: Reference;
  destination: Reference;
  platform?: Platform;
  referrers?: boolean;
  failure?: string;
  /**
   * Known unchanged without a request: `immutable` when every destination tag matches the entry's
   * `immutable-tags` and the destination already has it (see `applyImmutableTags`). The run reports
   * it as unchanged and reads neither side.
   */
  unchanged?: 'immutable';
  /** The sync entry it came from, whole: the checks of each image read its per-entry settings here. */
  from?: SyncEntry;
  /** An image acted on where it is (`source` and `destination` are the same place): nothing is copied or tagged. */
  inPlace?: InPlaceOperation;
  /**
   * With `locked`, the lock's entry for the item: the copy takes exactly `digest` (read from the
   * source as `sourceDigest` when the platforms asked for chose the root from it), tags the
   * destination as planned, and a source tag that names another digest now is drift, not followed.
   */
  locked?: LockedDigest;
}

/** What a lock pins an item to, and where the lock says so. */
export interface LockedDigest {
  /** What the destination holds. */
  digest: string;
  /** What the source named, when the platforms asked for chose another root from it. */
  sourceDigest?: string;
  /** The lock file, as messages name it, and the line of the entry. */
  file: string;
  line: number;
}

/** The digest a destination of `item` should hold when a lock pins it; undefined when none does (compare with the source then). */
export function expectedDigest(item: PlanItem): string | undefined {
  return item.locked?.digest;
}

/** `K/N`: this job takes the K-th of N shares of the expanded list. */
export interface Shard {
  index: number;
  count: number;
}

/** Lists a source repository's tags (every page). */
export type TagListing = (repository: RegistryReference) => Promise<string[]>;

/**
 * Expands a sync list into items, one per (source tag, destination), in the list's order. A whole
 * repository's tags are listed and filtered; an entry whose tags cannot be listed becomes one
 * failed item, so the others still run. Two entries that would write the same destination tag
 * are an error: one of them would silently win.
 */
export async function expandEntries(entries: SyncEntry[], listTags: TagListing, options: ExpandOptions = {}): Promise<PlanItem[]> {
  const expanded: PlanItem[][] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      expanded[i] = await expandEntry(
        entries[i],
        options.onSourceTags ? recordingTags(entries[i], listTags, options.onSourceTags) : listTags,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, entries.length)) }, worker));
  const items = expanded.flat();
  refuseOverlaps(items);
  return items;
}

export interface ExpandOptions {
  /** Entries expanded at once (default 4). */
  concurrency?: number;
  /** Told every tag a whole repository's source lists, before filtering: what prune compares with. */
  onSourceTags?: (entry: SyncEntry, tags: readonly string[]) => void;
}

function recordingTags(entry: SyncEntry, listTags: TagListing, onSourceTags: NonNullable<ExpandOptions['onSourceTags']>): TagListing {
  return async (ref) => {
    const tags = await listTags(ref);
    onSourceTags(entry, tags);
    return tags;
  };
}

async function expandEntry(entry: SyncEntry, listTags: TagListing): Promise<PlanItem[]> {
  const common = {
    entry: entry.number,
    from: entry,
    ...(entry.platform ? { platform: entry.platform } : {}),
    ...(entry.referrers !== undefined ? { referrers: entry.referrers } : {}),
  };
  const source = entry.source;
  if (!entry.wholeRepository || source.transport !== 'registry') {
    return [{ ...common, source, destination: destinationOf(entry, source, source.tags) }];
  }
  let tags: string[];
  try {
    tags = selectTags(await listTags(source), entry.filter);
  } catch (err) {
    return [{ ...common, source, destination: destinationOf(entry, source, []), failure: messageOf(err) }];
  }
  return tags.map((tag) => ({ ...common, source: { ...source, tags: [tag] }, destination: destinationOf(entry, source, [tag]) }));
}

/**
 * A whole repository's entry whose source was listed and that selected no tag: nothing of it is
 * copied, and the user is told why (its filters, and a few of the tags it could have taken).
 */
export interface EmptySelection {
  entry: number;
  line?: number;
  /** The source repository. */
  source: string;
  /** The entry's filters in its own words (`tags "3\.1.*"`); empty when it has none. */
  filters: string[];
  /** How many image tags the source lists, and the first few (versions highest first). */
  tags: number;
  sample: string[];
  /** How many attachment tags (`sha256-<hex>.sig`, …) the source lists besides, never images, and the first few. */
  attachments: number;
  attachmentSample: string[];
  /** Where the tags were read when not from the source (`the lock oci-copy.lock`). */
  tagsFrom?: string;
  /** The job only checks the destination: nothing is copied either way. */
  checking?: boolean;
}

/** How many of the source's tags a message names. */
const SAMPLE_TAGS = 5;
const SAMPLE_ATTACHMENTS = 3;

/**
 * The entries whose listed source selected no item: `sourceTags` by entry number, as planning
 * recorded them; `tagsFrom` names where an entry's tags came from when not from its source.
 */
export function emptySelections(
  entries: readonly SyncEntry[],
  sourceTags: ReadonlyMap<number, readonly string[]>,
  items: readonly PlanItem[],
  how: { tagsFrom?: (entry: SyncEntry) => string | undefined; checking?: boolean } = {},
): EmptySelection[] {
  const selecting = new Set(items.map((i) => i.entry));
  const out: EmptySelection[] = [];
  for (const entry of entries) {
    const listed = sourceTags.get(entry.number);
    if (!listed || selecting.has(entry.number)) continue;
    const images = selectTags(listed, { include: [], exclude: [] });
    const attachments = listed.filter((t) => isAttachmentTag(t));
    const tagsFrom = how.tagsFrom?.(entry);
    out.push({
      entry: entry.number,
      ...(entry.line ? { line: entry.line } : {}),
      source: printable(formatReference(entry.source)),
      filters: describeFilter(entry.filter),
      tags: images.length,
      sample: images.slice(0, SAMPLE_TAGS).map((t) => printable(t)),
      attachments: attachments.length,
      attachmentSample: attachments.sort().slice(0, SAMPLE_ATTACHMENTS),
      ...(tagsFrom ? { tagsFrom } : {}),
      ...(how.checking ? { checking: true } : {}),
    });
  }
  return out;
}

/**
 * `entry 2 (line 5), host/lib/app: tags "4\..*" select none of its 5 tags (3.20, 3.19, …): nothing
 * to copy`; a source with no image tag says so, and names its attachment tags. Tags read from a
 * lock are called the lock's, and a check has nothing to check.
 */
export function describeEmptySelection(e: EmptySelection): string {
  const head = `entry ${e.entry}${e.line ? ` (line ${e.line})` : ''}, ${e.source}`;
  const more = (shown: number, all: number) => (all > shown ? `, and ${all - shown} more` : '');
  const nothing = `nothing to ${e.checking ? 'check' : 'copy'}`;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (!e.tags) {
    const n = e.attachments;
    const lister = e.tagsFrom ?? 'the source';
    const verb = e.tagsFrom ? 'holds' : 'lists';
    const what = n
      ? `${lister} ${verb} no image tags, only ${plural(n, 'attachment tag')} (${e.attachmentSample.join(', ')}${more(e.attachmentSample.length, n)}), which go with their images`
      : `${lister} ${verb} no tags`;
    return `${head}: ${what}: ${nothing}`;
  }
  const filters = e.filters.join(', ');
  const whose = e.tagsFrom ? `the ${plural(e.tags, 'tag')} ${e.tagsFrom} holds for it` : `its ${plural(e.tags, 'tag')}`;
  return `${head}: ${filters} ${e.filters.length === 1 ? 'selects' : 'select'} none of ${whose} (${e.sample.join(', ')}${more(e.sample.length, e.tags)}): ${nothing}`;
}

/** The repository a whole-repository entry writes to (its prefix + the source's path, or its repository): prune's scope. */
export function entryRepository(entry: SyncEntry): Reference {
  return destinationOf(entry, entry.source, []);
}

/** Where an image of the entry goes: the destination repository (or prefix + source path) with `tags`. */
function destinationOf(entry: SyncEntry, source: Reference, tags: string[]): Reference {
  const d = entry.destination;
  if (d.kind === 'prefix') {
    const path = (source as RegistryReference).repository;
    return { transport: 'registry', registry: d.registry, repository: d.path ? `${d.path}/${path}` : path, tags };
  }
  const ref = d.ref;
  if (ref.tags.length || ref.digest) return ref;
  return { ...ref, tags: entry.wholeRepository ? tags : [] };
}

function refuseOverlaps(items: PlanItem[]): void {
  const writers = new Map<string, number>();
  for (const item of items) {
    if (item.failure) continue;
    for (const name of destinationNames(item.destination)) {
      const other = writers.get(name);
      if (other !== undefined && other !== item.entry) {
        throw new InputError(`entries ${other} and ${item.entry} both write ${name}: give each destination tag one source`);
      }
      writers.set(name, item.entry);
    }
  }
}

function destinationNames(ref: Reference): string[] {
  const base = ref.transport === 'registry' ? `${ref.registry}/${ref.repository}` : `${ref.transport}:${ref.path}`;
  return ref.tags.length ? ref.tags.map((t) => `${base}:${t}`) : [];
}

/** A stable name for an item: what it writes. */
export function itemKey(item: PlanItem): string {
  return `${formatReference(item.source)} => ${formatReference(item.destination)}`;
}

/**
 * This shard's items. Each item goes to the shard its key hashes to, so N jobs with K = 1..N take
 * every item exactly once, and a tag added or removed moves no other item to another shard (jobs
 * keep their share, and with it what their blob-info caches learnt).
 */
export function shardItems(items: PlanItem[], shard: Shard | undefined): PlanItem[] {
  if (!shard || shard.count === 1) return items;
  return items.filter((item) => shardOf(itemKey(item), shard.count) === shard.index);
}

/** 1-based. */
export function shardOf(key: string, count: number): number {
  const h = createHash('sha256').update(key).digest();
  return (h.readUInt32BE(0) % count) + 1;
}

/** Parses `K/N` (1 ≤ K ≤ N ≤ 256). */
export function parseShard(value: string, what: string): Shard | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const m = /^([0-9]{1,3})\s*\/\s*([0-9]{1,3})$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > 256 || index < 1 || index > count) {
    throw new InputError(`${what} is ${quoted(v)}: use K/N with 1 ≤ K ≤ N ≤ 256, e.g. 2/4 for the second of four jobs`);
  }
  return { index, count };
}
