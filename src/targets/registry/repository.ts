import type { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { isManifest } from '../../oci/media-types.js';
import type { RegistryReference } from '../../oci/reference.js';
import type { BlobLocation, Located, Mounter, MountOutcome, ReferrerLister, TaggingPusher, TagLister, TagReader, Target } from '../target.js';
import { Blobs } from './blobs.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';
import { Manifests } from './manifests.js';
import { listReferrers } from './referrers.js';
import { listTags } from './tags.js';
import { DEFAULT_CHUNK_BYTES, type UploadMode } from './upload.js';

export type RegistryRepositoryOptions = RegistryClientOptions;

/** A repository on a registry, spoken to over the distribution API. */
export class RegistryRepository implements Target, Mounter, Located, ReferrerLister, TaggingPusher, TagLister, TagReader {
  readonly description: string;
  readonly location: BlobLocation;
  private readonly blobs: Blobs;
  private readonly manifests: Manifests;

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
  ) {
    this.location = { registry: client.registry, repository };
    this.description = `[registry] ${client.registry}/${repository}`;
    const mode: UploadMode = { chunked: false, chunkBytes: DEFAULT_CHUNK_BYTES };
    this.blobs = new Blobs(client, repository, mode);
    this.manifests = new Manifests(client, repository);
  }

  resolve(selector: string | undefined): Promise<Descriptor> {
    return this.manifests.resolve(selector ?? 'latest');
  }

  fetch(desc: Descriptor): Promise<Readable> {
    return isManifest(desc.mediaType) ? this.manifests.fetch(desc) : this.blobs.fetch(desc);
  }

  exists(desc: Descriptor): Promise<boolean> {
    return isManifest(desc.mediaType) ? this.manifests.exists(desc) : this.blobs.exists(desc);
  }

  /**
   * Stores a node. `content` is read once: when this throws an error for which `isRetryable` holds
   * (a cut connection, 5xx, a 413 that switches to chunked uploads), call again with fresh content.
   */
  push(desc: Descriptor, content: Readable): Promise<void> {
    return isManifest(desc.mediaType) ? this.manifests.push(desc, content) : this.blobs.push(desc, content);
  }

  /** A manifest stored and tagged by one PUT to the tag. */
  pushTagged(desc: Descriptor, content: Readable, reference: string): Promise<void> {
    return this.manifests.push(desc, content, reference);
  }

  tag(desc: Descriptor, reference: string): Promise<void> {
    return this.manifests.tag(desc, reference);
  }

  mount(desc: Descriptor, fromRepository: string, getContent?: () => Promise<Readable>): Promise<MountOutcome> {
    return this.blobs.mount(desc, fromRepository, getContent);
  }

  /** What `tag` names now, by a HEAD (no manifest is read): undefined when there is no such tag. */
  readTag(tag: string): Promise<Descriptor | undefined> {
    return this.manifests.readTag(tag);
  }

  /** Every tag of the repository, across pages. */
  tags(): Promise<string[]> {
    return listTags(this.client, this.repository);
  }

  referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    return listReferrers(this.client, this.manifests, this.repository, subject, artifactType);
  }

  async close(outcome: 'success' | 'failure'): Promise<void> {
    await this.client.close(outcome);
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
