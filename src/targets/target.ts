import type { Readable } from 'node:stream';
import type { Descriptor, Platform } from '../oci/descriptor.js';

/**
 * The small interfaces every place that holds content implements. The copy engine knows only these:
 * it never asks which kind of target it holds. Optional capabilities are separate interfaces,
 * checked at run time with the guards below.
 *
 * A `signal` ends an operation early, with the signal's reason: the engine fires it when the copy
 * failed elsewhere, so no request, retry or wait outlives the copy. A target that does nothing
 * worth cancelling (files on a local disk) may ignore it. A registry target used after `close()`
 * fails at once with `… is closed`, never with retries; an archive being written refuses it too.
 */
export interface ReadOnlyTarget {
  /** For logs and errors: `[registry] host/repo`, `[oci-layout] path`. */
  readonly description: string;
  /** The root a tag or digest names; with none, the target's only or default root. */
  resolve(selector: string | undefined): Promise<Descriptor>;
  /** The raw bytes of a node. Unverified: the caller checks digest and size while reading. */
  fetch(desc: Descriptor, signal?: AbortSignal): Promise<Readable>;
  exists(desc: Descriptor, signal?: AbortSignal): Promise<boolean>;
  /** Ends the target's use: `success` commits what it buffered, `failure` throws it away. */
  close(outcome: 'success' | 'failure'): Promise<void>;
}

export interface Target extends ReadOnlyTarget {
  /**
   * Stores a node. The caller verifies `content` while it streams and makes it error rather than
   * end when it is wrong, so a push must commit only on a clean end of the stream.
   */
  push(desc: Descriptor, content: Readable, signal?: AbortSignal, resume?: Resumable): Promise<void>;
  /**
   * Points `reference` (a tag, or the digest itself for an untagged root) at a node already pushed.
   * `context` is what the copy knows of the image, for targets that write it down (layouts and
   * archives name the image for loaders); a registry has no use for it.
   */
  tag(desc: Descriptor, reference: string, context?: TagContext): Promise<void>;
}

/** What the copy knows of the image it tags, beyond the tag. */
export interface TagContext {
  /** The full repository the image came from (`ghcr.io/acme/app`), which names it for loaders. */
  repository?: string;
  /** The platform the copy asked for first: for an index, the image a docker archive's `manifest.json` lists. */
  platform?: Platform;
}

/** Where a blob lives on a registry: what the blob-info cache remembers and mounts are made from. */
export interface BlobLocation {
  registry: string;
  repository: string;
}

/** A registry repository: it has a location. */
export interface Located {
  readonly location: BlobLocation;
}

export type MountOutcome = 'mounted' | 'uploaded' | 'refused';

/** A target that can take a blob from another repository of its registry without moving bytes. */
export interface Mounter extends Located {
  /**
   * Asks to mount `desc` from `fromRepository`. When the registry opens an upload session instead
   * and `getContent` is given, the bytes are uploaded on that same session (`uploaded`); without it
   * the session is abandoned (`refused`). A refused or failed mount never throws: it is `refused`.
   */
  mount(
    desc: Descriptor,
    fromRepository: string,
    getContent?: () => Promise<Readable>,
    signal?: AbortSignal,
    resume?: Resumable,
  ): Promise<MountOutcome>;
}

/**
 * What an upload that broke off goes on from, given by the caller of `push`: the blob's bytes again
 * from the offset the destination already holds, checked as the first stream was (the caller's
 * verifier carries its hash across the pieces), and where to tell what had to be sent twice. A
 * target that cannot go on where it stopped ignores it and fails as it would without.
 */
export interface Resumable {
  /** The blob's bytes from `offset` (0 < offset < size, or 0) to its end. */
  from(offset: number): Promise<Readable>;
  /** Told when an upload goes on from `offset` after `resent` bytes already sent were lost (`reason`: what broke). */
  resumed?(info: { offset: number; resent: number; reason: string }): void;
}

/** A source that reads a blob from a byte offset without reading what comes before (an HTTP `Range`, a file's position). */
export interface RangeReader {
  fetchFrom(desc: Descriptor, offset: number, signal?: AbortSignal): Promise<Readable>;
}

/** A destination that takes blobs only up to a size it is known to refuse beyond (GHCR: 10 GB a layer). */
export interface BlobSizeLimited {
  /** The largest blob it takes and how its owner states that (`10 GB`), or undefined when none is known. */
  blobSizeLimit(): { bytes: number; stated: string } | undefined;
}

export function isBlobSizeLimited(t: unknown): t is BlobSizeLimited {
  return typeof (t as BlobSizeLimited)?.blobSizeLimit === 'function';
}

export function isRangeReader(t: unknown): t is RangeReader {
  return typeof (t as RangeReader)?.fetchFrom === 'function';
}

/** A target that can list what refers to a node (signatures, SBOMs, attestations). */
export interface ReferrerLister {
  referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]>;
}

/**
 * A target that stores a manifest and points a tag at it in one step (a registry's PUT by tag).
 * The engine uses it for the root, once everything under it is in: a round trip less than push
 * then tag, with the same guarantee that no tag names incomplete content.
 */
export interface TaggingPusher {
  pushTagged(desc: Descriptor, content: Readable, reference: string, signal?: AbortSignal): Promise<void>;
}

/** A line a target has to say about how it stored a root; `warning` when the user did not get what they may expect. */
export interface StoreNote {
  message: string;
  level?: 'warning';
}

/**
 * A target that has something to say about how it stored a tagged root: a docker archive names
 * the one image of an index that `docker load` takes, or says that it could name no image.
 */
export interface StoreNoter {
  storeNotes(root: Descriptor): Promise<StoreNote[]>;
}

/**
 * A target that has something to say about how it stored a manifest: a referrers index that
 * another writer changed at the same moment, merged again. Each note is handed out once.
 */
export interface PushNoter {
  pushNotes(desc: Descriptor): StoreNote[];
}

/** A target that can list its tags: a registry repository (across pages), a layout, an archive. */
export interface TagLister {
  tags(): Promise<string[]>;
}

/**
 * A target that can say cheaply what a tag names now, without reading the manifest: a registry's
 * HEAD, a layout's or archive's index. A sync compares both sides this way, so a tag that has not
 * moved costs no GET (Docker Hub counts every manifest GET as a pull, never a HEAD).
 */
export interface TagReader {
  /**
   * The descriptor `tag` names, or undefined when there is no such tag. A layout or archive keeps
   * one tag per image name (`a/x:latest` beside `b/y:latest`): `context` says whose tag is asked
   * for, as it does when tagging.
   */
  readTag(tag: string, context?: TagContext): Promise<Descriptor | undefined>;
}

/** What became of a tag asked to go: gone, not there to begin with, or left because it moved meanwhile. */
export type TagRemoval = 'removed' | 'absent' | 'moved';

export interface RemoveTagOptions {
  /** The digest the caller saw the tag name: a tag that names another by now is left (`moved`). */
  expected?: string;
  /** A layout keeps one tag per image name: whose tag it is (as for `readTag`). */
  context?: TagContext;
  signal?: AbortSignal;
}

/**
 * A target that can remove one tag and nothing else: the manifest it named stays, and so do the
 * other tags that name it (a registry, a layout). A target that turns out not to allow it at all
 * throws `TagRemovalRefusedError`.
 */
export interface TagRemover {
  removeTag(tag: string, options?: RemoveTagOptions): Promise<TagRemoval>;
}

/**
 * A target that can say how many bytes it stores for a blob without reading them (a registry's
 * HEAD `Content-Length`): what a check of a destination compares with the size its manifest lists.
 */
export interface BlobSizer {
  /** The stored size, or undefined when the blob is not there. */
  blobSize(desc: Descriptor, signal?: AbortSignal): Promise<number | undefined>;
}

/** What became of a blob asked to go: gone, not there, or kept because the target does not delete. */
export type BlobRemoval = 'deleted' | 'absent' | 'refused';

/** A target that can delete a blob by digest (a registry with deletes enabled), so damaged bytes can be put back. */
export interface BlobDeleter {
  deleteBlob(desc: Descriptor, signal?: AbortSignal): Promise<BlobRemoval>;
}

export function isBlobSizer(t: unknown): t is BlobSizer {
  return typeof (t as BlobSizer)?.blobSize === 'function';
}

export function isBlobDeleter(t: unknown): t is BlobDeleter {
  return typeof (t as BlobDeleter)?.deleteBlob === 'function';
}

export function isTagRemover(t: unknown): t is TagRemover {
  return typeof (t as TagRemover)?.removeTag === 'function';
}

export function isTagReader(t: unknown): t is TagReader {
  return typeof (t as TagReader)?.readTag === 'function';
}

export function isMounter(t: unknown): t is Mounter {
  return typeof (t as Mounter)?.mount === 'function' && typeof (t as Mounter)?.location === 'object';
}

export function isLocated(t: unknown): t is Located {
  const loc = (t as Located)?.location;
  return typeof loc?.registry === 'string' && typeof loc?.repository === 'string';
}

export function isReferrerLister(t: unknown): t is ReferrerLister {
  return typeof (t as ReferrerLister)?.referrers === 'function';
}

export function isTaggingPusher(t: unknown): t is TaggingPusher {
  return typeof (t as TaggingPusher)?.pushTagged === 'function';
}

export function isStoreNoter(t: unknown): t is StoreNoter {
  return typeof (t as StoreNoter)?.storeNotes === 'function';
}

export function isPushNoter(t: unknown): t is PushNoter {
  return typeof (t as PushNoter)?.pushNotes === 'function';
}

export function isTagLister(t: unknown): t is TagLister {
  return typeof (t as TagLister)?.tags === 'function';
}
