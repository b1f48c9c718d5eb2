import type { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { CancelledError } from '../../oci/errors.js';
import { isManifest } from '../../oci/media-types.js';
import type { RegistryReference } from '../../oci/reference.js';
import type {
  BlobDeleter,
  BlobLocation,
  BlobRemoval,
  BlobSizer,
  Located,
  Mounter,
  MountOutcome,
  PushNoter,
  BlobSizeLimited,
  RangeReader,
  ReferrerLister,
  RemoveTagOptions,
  Resumable,
  StoreNote,
  TaggingPusher,
  TagLister,
  TagReader,
  TagRemoval,
  TagRemover,
  Target,
} from '../target.js';
import { Blobs } from './blobs.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';
import { Manifests } from './manifests.js';
import { listReferrers } from './referrers.js';
import { RegistryTagRemover } from './tag-removal.js';
import { knownLayerLimit, type LayerLimit } from './known-limits.js';
import { listTags } from './tags.js';

export type RegistryRepositoryOptions = RegistryClientOptions;

/** A repository on a registry, spoken to over the distribution API. */
export class RegistryRepository
  implements
    Target,
    BlobDeleter,
    BlobSizer,
    BlobSizeLimited,
    Mounter,
    Located,
    PushNoter,
    RangeReader,
    ReferrerLister,
    TaggingPusher,
    TagLister,
    TagReader,
    TagRemover
{
  readonly description: string;
  readonly location: BlobLocation;
  private readonly blobs: Blobs;
  private readonly manifests: Manifests;
  private remover?: RegistryTagRemover;
  private closed = false;

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
  ) {
    this.location = { registry: client.registry, repository };
    this.description = `[registry] ${client.registry}/${repository}`;
    // The host's upload mode: what a 413 taught one repository holds for every other of the job.
    this.blobs = new Blobs(client, repository, client.uploads);
    this.manifests = new Manifests(client, repository);
  }

  async resolve(selector: string | undefined): Promise<Descriptor> {
    this.refuseIfClosed();
    return this.manifests.resolve(selector ?? 'latest');
  }

  async fetch(desc: Descriptor, signal?: AbortSignal): Promise<Readable> {
    this.refuseIfClosed();
    return isManifest(desc.mediaType) ? this.manifests.fetch(desc, signal) : this.blobs.fetch(desc, signal);
  }

  /** The per-layer limit this registry publishes (see known-limits.ts), checked before a byte moves. */
  blobSizeLimit(): LayerLimit | undefined {
    return knownLayerLimit(this.client.registry);
  }

  /** A blob's bytes from `offset` on (`Range`), for an upload elsewhere that goes on where it stopped. */
  async fetchFrom(desc: Descriptor, offset: number, signal?: AbortSignal): Promise<Readable> {
    this.refuseIfClosed();
    return this.blobs.fetch(desc, signal, offset);
  }

  async exists(desc: Descriptor, signal?: AbortSignal): Promise<boolean> {
    this.refuseIfClosed();
    return isManifest(desc.mediaType) ? this.manifests.exists(desc, signal) : this.blobs.exists(desc, signal);
  }

  /** The size the registry stores for a blob (a HEAD), or undefined when it is not there. */
  async blobSize(desc: Descriptor, signal?: AbortSignal): Promise<number | undefined> {
    this.refuseIfClosed();
    return this.blobs.size(desc, signal);
  }

  /** Deletes the repository's blob by digest (distribution: its link; the bytes go with garbage collection). */
  async deleteBlob(desc: Descriptor, signal?: AbortSignal): Promise<BlobRemoval> {
    this.refuseIfClosed();
    return this.blobs.delete(desc, signal);
  }

  /**
   * Stores a node. `content` is read once: when this throws an error for which `isRetryable` holds
   * (a cut connection, 5xx, a 413 that switches to chunked uploads), call again with fresh content.
   */
  async push(desc: Descriptor, content: Readable, signal?: AbortSignal, resume?: Resumable): Promise<void> {
    this.refuseIfClosed();
    return isManifest(desc.mediaType)
      ? this.manifests.push(desc, content, desc.digest, signal)
      : this.blobs.push(desc, content, signal, resume);
  }

  /** A manifest stored and tagged by one PUT to the tag. */
  async pushTagged(desc: Descriptor, content: Readable, reference: string, signal?: AbortSignal): Promise<void> {
    this.refuseIfClosed();
    return this.manifests.push(desc, content, reference, signal);
  }

  /** What storing `desc` had to say: a referrers index that lost entries to another writer and was merged again. */
  pushNotes(desc: Descriptor): StoreNote[] {
    return this.manifests.takeNotes(desc.digest).map((message) => ({ message }));
  }

  async tag(desc: Descriptor, reference: string): Promise<void> {
    this.refuseIfClosed();
    return this.manifests.tag(desc, reference);
  }

  async mount(
    desc: Descriptor,
    fromRepository: string,
    getContent?: () => Promise<Readable>,
    signal?: AbortSignal,
    resume?: Resumable,
  ): Promise<MountOutcome> {
    this.refuseIfClosed();
    return this.blobs.mount(desc, fromRepository, getContent, signal, resume);
  }

  /** What `tag` names now, by a HEAD (no manifest is read): undefined when there is no such tag. */
  async readTag(tag: string): Promise<Descriptor | undefined> {
    this.refuseIfClosed();
    return this.manifests.readTag(tag);
  }

  /** Every tag of the repository, across pages. */
  async tags(): Promise<string[]> {
    this.refuseIfClosed();
    return listTags(this.client, this.repository);
  }

  /**
   * Removes `tag` alone: the manifest it named, and every other tag naming it, stay (see
   * tag-removal.ts). A registry that does not delete through its API throws `TagRemovalRefusedError`.
   */
  async removeTag(tag: string, options?: RemoveTagOptions): Promise<TagRemoval> {
    this.refuseIfClosed();
    this.remover ??= new RegistryTagRemover(this.client, this.repository, this.manifests, this.blobs);
    return this.remover.removeTag(tag, options);
  }

  async referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    this.refuseIfClosed();
    return listReferrers(this.client, this.manifests, this.repository, subject, artifactType);
  }

  /** Ends the repository's use: what is in flight on its own pool is cancelled, and later calls fail at once. */
  async close(outcome: 'success' | 'failure'): Promise<void> {
    this.closed = true;
    await this.client.close(outcome);
  }

  private refuseIfClosed(): void {
    if (this.closed) throw new CancelledError(`${this.description} is closed`);
  }
}

/**
 * Opens `ref`'s repository. Pass `http` (an `HttpClient`) or `dispatcher` to share one keep-alive
 * pool across targets; the one who made it closes it. Otherwise the repository owns its pool and
 * `close` ends it.
 */
export function openRegistryRepository(ref: RegistryReference, options: RegistryRepositoryOptions = {}): RegistryRepository {
  return new RegistryRepository(new RegistryClient(ref.registry, options), ref.repository);
}
