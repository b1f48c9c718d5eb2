import type { Readable } from 'node:stream';
import { Readable as ReadableStream } from 'node:stream';
import type { Descriptor } from '../oci/descriptor.js';
import { isDigest } from '../oci/digest.js';
import { NotFoundError } from '../oci/errors.js';
import { isManifest } from '../oci/media-types.js';
import type { ReferrerLister, Target, TagLister, TagReader } from './target.js';

/**
 * Content held in memory, for tests and small artifacts. Pushed content is stored only when its
 * stream ends cleanly, so a verifier that errors leaves nothing behind.
 */
export class MemoryTarget implements Target, TagLister, TagReader, ReferrerLister {
  readonly description: string;
  readonly blobs = new Map<string, { desc: Descriptor; content: Buffer }>();
  readonly tagged = new Map<string, Descriptor>();
  /** Counts of calls, so tests can tell what the engine asked for. */
  readonly calls = { fetch: 0, push: 0, exists: 0, tag: 0 };

  constructor(name = 'memory') {
    this.description = `[memory] ${name}`;
  }

  async resolve(selector: string | undefined): Promise<Descriptor> {
    if (selector && isDigest(selector)) {
      const found = this.blobs.get(selector);
      if (found) return found.desc;
      throw new NotFoundError(`${selector} is not in ${this.description}`);
    }
    if (selector === undefined && this.tagged.size === 1) return [...this.tagged.values()][0];
    const desc = selector === undefined ? undefined : this.tagged.get(selector);
    if (!desc)
      throw new NotFoundError(
        `tag ${selector ?? '(none given)'} is not in ${this.description}: it has ${[...this.tagged.keys()].join(', ') || 'no tags'}`,
      );
    return desc;
  }

  async fetch(desc: Descriptor): Promise<Readable> {
    this.calls.fetch++;
    const found = this.blobs.get(desc.digest);
    if (!found) throw new NotFoundError(`${desc.digest} is not in ${this.description}`);
    return ReadableStream.from([found.content]);
  }

  async exists(desc: Descriptor): Promise<boolean> {
    this.calls.exists++;
    return this.blobs.has(desc.digest);
  }

  async push(desc: Descriptor, content: Readable): Promise<void> {
    this.calls.push++;
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    this.blobs.set(desc.digest, {
      desc: { mediaType: desc.mediaType, digest: desc.digest, size: desc.size },
      content: Buffer.concat(chunks),
    });
  }

  async tag(desc: Descriptor, reference: string): Promise<void> {
    this.calls.tag++;
    if (!this.blobs.has(desc.digest)) throw new NotFoundError(`${desc.digest} is not in ${this.description}`);
    if (!isDigest(reference)) this.tagged.set(reference, { mediaType: desc.mediaType, digest: desc.digest, size: desc.size });
  }

  async tags(): Promise<string[]> {
    return [...this.tagged.keys()];
  }

  async readTag(tag: string): Promise<Descriptor | undefined> {
    return this.tagged.get(tag);
  }

  /** Manifests whose `subject` is `subject`, as a referrers listing describes them. */
  async referrers(subject: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    const out: Descriptor[] = [];
    for (const { desc, content } of this.blobs.values()) {
      if (!isManifest(desc.mediaType)) continue;
      const m = JSON.parse(content.toString('utf8')) as { subject?: Descriptor; artifactType?: string; config?: Descriptor };
      if (m.subject?.digest !== subject.digest) continue;
      const type = m.artifactType ?? m.config?.mediaType;
      if (artifactType && type !== artifactType) continue;
      out.push({ ...desc, ...(type ? { artifactType: type } : {}) });
    }
    return out;
  }

  /** Stores bytes directly, for building test graphs. */
  put(mediaType: string, content: Buffer | string, digest: string): Descriptor {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const desc = { mediaType, digest, size: buf.length };
    this.blobs.set(digest, { desc, content: buf });
    return desc;
  }

  async close(): Promise<void> {}
}
