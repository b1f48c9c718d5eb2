import { isAttachmentTag } from '../oci/referrer-kinds.js';
import type { Reference } from '../oci/reference.js';
import type { PlanItem } from './plan.js';
import { selectTags, tagVersion, type TagFilter } from './tag-filter.js';

/**
 * Which destination tags a pruning entry removes. No I/O: the caller lists both sides, reads what
 * the destination tags name (see `readPruneDigests`), and removes the tags this returns with a
 * `TagRemover`, which takes a tag alone and never the manifest it names.
 *
 * A tag goes when all of these hold: the entry's filters would select it (`tags`, `exclude-tags`,
 * `semver`; with `latest`, any tag that reads as a version), the source no longer has it, no
 * `protect` pattern matches it, and no other entry of the run writes it. A tag that falls out of
 * `latest: N` but that the source still has stays: prune follows what the source deleted.
 *
 * Attachment tags (`sha256-<hex>.sig`, `.att`, `.sbom` and the referrers index `sha256-<hex>`) are
 * never selected by filters. One goes only with its image: when a tag removed here names that
 * digest and no tag that stays does (every kept tag's digest known). Attachments of images that
 * stay, and of digests no tag names (left by someone else), are left alone.
 */
export interface PruneInput {
  filter: TagFilter;
  /** Tags never removed: regexes matching the whole tag. */
  protect?: readonly RegExp[];
  /** Every tag the source has now, unfiltered. */
  sourceTags: readonly string[];
  /** Every tag the destination has, with the digest it names when known (undefined: not read). */
  destinationTags: ReadonlyMap<string, string | undefined>;
  /** Tags other entries of the run write to this repository: they stay. */
  alsoKeep?: Iterable<string>;
}

export interface PruneRemoval {
  tag: string;
  /** What it names, when known. */
  digest?: string;
  why: 'gone from the source' | 'attachment of a removed image';
  /** An attachment tag's image. */
  subject?: string;
  /** Tags that stay and name the same digest: the manifest stays for them (the removal takes the tag alone). */
  sharedWith?: string[];
}

export interface PrunePlan {
  /** Images' tags first, then their attachments: a failure midway never leaves an image without its signature. */
  remove: PruneRemoval[];
  /** Tags the filters select that the source no longer has, kept by `protect` or another entry. */
  protected: string[];
  /** Attachment tags of removed images that stay because some kept tag's digest is not known. */
  attachmentsKept: string[];
  /** Why nothing at all is removed, when that is on purpose. */
  skipped?: string;
}

/** Whether the entry's filters would select `tag` (its `latest` aside: any version tag). */
export function inFilterScope(tag: string, filter: TagFilter): boolean {
  if (selectTags([tag], { ...filter, latest: undefined }).length !== 1) return false;
  return filter.latest === undefined || tagVersion(tag) !== undefined;
}

/** The digest an attachment tag belongs to: `sha256-<hex>.sig` → `sha256:<hex>`. */
export function attachmentSubject(tag: string): string | undefined {
  if (!isAttachmentTag(tag)) return undefined;
  const name = tag.split('.')[0];
  const at = name.indexOf('-');
  return `${name.slice(0, at)}:${name.slice(at + 1)}`;
}

/**
 * Why the source's list cannot be pruned against: it names no image. A source whose images were
 * deleted may still list their cosign attachment tags (`sha256-<hex>.sig`); those are never images,
 * so such a source is as empty as one that lists nothing, and an empty answer never empties a mirror.
 */
export function emptySource(sourceTags: readonly string[]): string | undefined {
  if (sourceTags.some((t) => !isAttachmentTag(t))) return undefined;
  const lest = 'nothing is pruned, lest an empty answer empty the mirror';
  if (!sourceTags.length) return `the source lists no tags: ${lest}`;
  const n = sourceTags.length;
  const named = [...sourceTags].sort().slice(0, 3).join(', ');
  return `the source lists no image tags, only ${n} attachment ${n === 1 ? 'tag' : 'tags'} (${named}${n > 3 ? `, and ${n - 3} more` : ''}): ${lest}`;
}

export function planPrune(input: PruneInput): PrunePlan {
  const sides = splitTags(input);
  const empty = emptySource(input.sourceTags);
  if (empty) return { remove: [], protected: [], attachmentsKept: [], skipped: empty };
  const keptDigests = new Map<string, string[]>();
  let unknownKept = false;
  for (const tag of sides.kept) {
    const digest = input.destinationTags.get(tag);
    if (digest === undefined) unknownKept = true;
    else keptDigests.set(digest, [...(keptDigests.get(digest) ?? []), tag]);
  }
  const remove: PruneRemoval[] = sides.gone.map((tag) => {
    const digest = input.destinationTags.get(tag);
    const shared = digest !== undefined ? keptDigests.get(digest) : undefined;
    return { tag, ...(digest !== undefined ? { digest } : {}), why: 'gone from the source', ...(shared ? { sharedWith: shared } : {}) };
  });
  const removedDigests = new Set(remove.map((r) => r.digest).filter((d): d is string => d !== undefined));
  const attachmentsKept: string[] = [];
  for (const tag of sides.attachments) {
    const subject = attachmentSubject(tag)!;
    if (!removedDigests.has(subject) || keptDigests.has(subject)) continue;
    if (unknownKept) attachmentsKept.push(tag);
    else remove.push({ tag, ...digestOf(input, tag), why: 'attachment of a removed image', subject });
  }
  return { remove, protected: sides.protected, attachmentsKept };
}

/**
 * The destination tags whose digests would change the plan and are not known yet: first the tags
 * to remove (when the destination has attachment tags at all), then, once an attachment of one
 * of them turns up, every kept tag (one of them may name the same image).
 */
export function digestsNeeded(input: PruneInput): string[] {
  const sides = splitTags(input);
  if (!sides.attachments.length || emptySource(input.sourceTags)) return [];
  const unknown = (tags: string[]) => tags.filter((t) => input.destinationTags.get(t) === undefined);
  const gone = unknown(sides.gone);
  if (gone.length) return gone;
  const removed = new Set(sides.gone.map((t) => input.destinationTags.get(t)));
  if (!sides.attachments.some((t) => removed.has(attachmentSubject(t)))) return [];
  return unknown(sides.kept);
}

/**
 * Fills in the digests `digestsNeeded` asks for, with `readTag` (a HEAD per tag on a registry), at
 * most `maxReads` in all: past that, attachments of removed images stay (the plan says which).
 */
export async function readPruneDigests(
  input: PruneInput,
  readTag: (tag: string) => Promise<string | undefined>,
  options: { maxReads?: number; concurrency?: number } = {},
): Promise<PruneInput> {
  const known = new Map(input.destinationTags);
  let budget = options.maxReads ?? 1000;
  for (let round = 0; round < 2; round++) {
    const need = digestsNeeded({ ...input, destinationTags: known });
    if (!need.length || need.length > budget) break;
    budget -= need.length;
    let next = 0;
    const worker = async () => {
      while (next < need.length) {
        const tag = need[next++];
        known.set(tag, await readTag(tag));
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, need.length) }, worker));
  }
  return { ...input, destinationTags: known };
}

/** The tags items of other entries than `entry` write to `repository`: a pruning entry leaves them (`alsoKeep`). */
export function writtenByOthers(items: readonly PlanItem[], entry: number, repository: Reference): string[] {
  if (repository.transport !== 'registry') return [];
  const tags = new Set<string>();
  for (const item of items) {
    const d = item.destination;
    if (item.entry === entry || d.transport !== 'registry' || d.registry !== repository.registry || d.repository !== repository.repository)
      continue;
    for (const t of d.tags.length ? d.tags : item.source.tags) tags.add(t);
  }
  return [...tags];
}

/** The destination's tags by fate: kept images, images gone from the source, protected ones, attachments. */
function splitTags(input: PruneInput): { kept: string[]; gone: string[]; protected: string[]; attachments: string[] } {
  const source = new Set(input.sourceTags);
  const alsoKeep = new Set(input.alsoKeep ?? []);
  const isProtected = (tag: string) => alsoKeep.has(tag) || (input.protect ?? []).some((re) => re.test(tag));
  const out = { kept: [] as string[], gone: [] as string[], protected: [] as string[], attachments: [] as string[] };
  for (const tag of [...input.destinationTags.keys()].sort()) {
    if (isAttachmentTag(tag)) {
      if (!isProtected(tag)) out.attachments.push(tag);
    } else if (!inFilterScope(tag, input.filter) || source.has(tag)) out.kept.push(tag);
    else if (isProtected(tag)) {
      out.protected.push(tag);
      out.kept.push(tag);
    } else out.gone.push(tag);
  }
  return out;
}

function digestOf(input: PruneInput, tag: string): { digest?: string } {
  const digest = input.destinationTags.get(tag);
  return digest !== undefined ? { digest } : {};
}
