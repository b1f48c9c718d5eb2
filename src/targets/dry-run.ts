import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/descriptor.js';
import { NotFoundError, OperationError } from '../oci/errors.js';
import type { FileReference } from '../oci/reference.js';
import { openFileTarget } from './open-file-target.js';
import { isBlobSizer, isTagReader, type BlobSizer, type ReadOnlyTarget, type TagContext, type Target, type TagReader } from './target.js';
import { printable } from '../oci/text.js';

/**
 * A file destination as a dry run sees it: what is already there (an existing layout or archive,
 * opened read-only), or nothing. Opening a layout or archive for writing would create a directory
 * or a file, so a dry run never does; pushing or tagging here is refused.
 */
export class DryRunFileDestination implements Target, BlobSizer, TagReader {
  constructor(
    readonly description: string,
    private readonly existing?: ReadOnlyTarget,
  ) {}

  async resolve(selector: string | undefined): Promise<Descriptor> {
    if (!this.existing) throw new NotFoundError(`${this.description} does not exist yet`);
    return this.existing.resolve(selector);
  }

  async fetch(desc: Descriptor): Promise<Readable> {
    if (!this.existing) throw new NotFoundError(`${desc.digest} is not in ${this.description}`);
    return this.existing.fetch(desc);
  }

  async exists(desc: Descriptor): Promise<boolean> {
    return this.existing ? this.existing.exists(desc) : false;
  }

  /** What the existing layout stores for a blob (its file's size), for a check. */
  async blobSize(desc: Descriptor): Promise<number | undefined> {
    if (isBlobSizer(this.existing)) return this.existing.blobSize(desc);
    return (await this.exists(desc)) ? desc.size : undefined;
  }

  async readTag(tag: string, context?: TagContext): Promise<Descriptor | undefined> {
    return isTagReader(this.existing) ? this.existing.readTag(tag, context) : undefined;
  }

  async push(desc: Descriptor): Promise<void> {
    throw new OperationError(`pushing ${desc.digest} to ${this.description}: a dry run writes nothing`);
  }

  async tag(desc: Descriptor, reference: string): Promise<void> {
    throw new OperationError(`tagging ${desc.digest} as ${reference} in ${this.description}: a dry run writes nothing`);
  }

  async close(): Promise<void> {
    await this.existing?.close('failure');
  }
}

/** Opens what a file destination already holds, for a dry run; a missing layout or archive holds nothing. */
export async function openDryRunFileDestination(ref: FileReference): Promise<Target> {
  const description = `${ref.transport === 'oci' ? '[oci-layout]' : `[${ref.transport}]`} ${printable(ref.path)}`;
  if (ref.path === '-') return new DryRunFileDestination(description);
  try {
    const existing = await openFileTarget(ref, 'source');
    return new DryRunFileDestination(existing.description, existing);
  } catch (err) {
    if (err instanceof NotFoundError) return new DryRunFileDestination(description);
    throw err;
  }
}
