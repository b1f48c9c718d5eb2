import type { Descriptor } from '../oci/descriptor.js';
import { isDigest } from '../oci/digest.js';
import { CopyError, OperationError, TagConflictError } from '../oci/errors.js';
import { printable } from '../oci/text.js';
import { isTagReader, type TagContext, type Target } from '../targets/target.js';
import type { CopyListener } from './events.js';

export interface TaggingOptions {
  /** Refuse to move a tag that already names another digest. */
  noClobber?: boolean;
  /** Read and report, write nothing. */
  dryRun?: boolean;
  onEvent?: CopyListener;
  /** What the copy knows of the image, told to the destination with each tag. */
  context?: TagContext;
  /**
   * What tags named when the caller read them moments ago (a run compares before it copies).
   * Without `noClobber` a tag listed here is not read again: the read only serves the report. With
   * it, every tag is read again right before it is written, since the guard needs the latest answer.
   */
  tagsRead?: ReadonlyMap<string, string | undefined>;
}

/** A destination tag that names another digest than the copy's root. */
export interface TagConflict {
  tag: string;
  current: string;
}

/** Why no-clobber refuses: every tag that would move, in one line (the check before any byte moves, and the read right before tagging). */
export function tagsWouldMove(destination: string, conflicts: readonly TagConflict[], root: string): string {
  if (conflicts.length === 1) {
    const [one] = conflicts;
    return `tag ${printable(one.tag)} in ${destination} already names ${printable(one.current)}, not ${root}: no-clobber leaves it as it is (remove the tag there, or copy without no-clobber to move it)`;
  }
  const tags = conflicts.map((c) => printable(c.tag)).join(', ');
  const named = conflicts.map((c) => `${printable(c.tag)}: ${printable(c.current)}`).join('; ');
  return `tags ${tags} in ${destination} already name other digests (${named}), not ${root}: no-clobber leaves them as they are (remove those tags there, or copy without no-clobber to move them)`;
}

/** Why no-clobber cannot work on a destination that cannot say what its tags name. */
export function tagUnreadable(destination: string, tag: string): string {
  return `${destination} cannot tell what tag ${printable(tag)} names, so no-clobber cannot keep it from moving: drop no-clobber for this destination`;
}

/**
 * Writes one destination's tags. Each tag is read first (a HEAD on a registry, the index of a
 * layout or archive), so a tag that moves is reported with the digest it named, one that already
 * names the node costs no write, and with `noClobber` one that names another digest is refused.
 * Registries have no compare-and-set for tags: the read comes right before the write, which
 * narrows the window another writer could slip into, but cannot close it.
 */
export class Tagger {
  constructor(
    private readonly dst: Target,
    private readonly options: TaggingOptions = {},
  ) {}

  /**
   * The digest `reference` names now, or undefined (no such tag, or a digest reference). Throws
   * when `noClobber` forbids moving it, or when the destination cannot say and `noClobber` asks.
   */
  async current(node: Descriptor, reference: string): Promise<string | undefined> {
    if (isDigest(reference)) return undefined;
    const dst = this.dst;
    const read = this.options.tagsRead;
    if (!this.options.noClobber && read?.has(reference)) return read.get(reference);
    if (!isTagReader(dst)) {
      if (!this.options.noClobber) return undefined;
      throw new OperationError(tagUnreadable(dst.description, reference));
    }
    let found: Descriptor | undefined;
    try {
      found = await dst.readTag(reference, this.options.context);
    } catch (err) {
      throw new CopyError('destination', `reading tag ${printable(reference)} in ${dst.description}`, err);
    }
    this.refuseMove(node, reference, found?.digest);
    return found?.digest;
  }

  private refuseMove(node: Descriptor, reference: string, named: string | undefined): void {
    if (named && named !== node.digest && this.options.noClobber) {
      throw new TagConflictError(
        tagsWouldMove(this.dst.description, [{ tag: reference, current: named }], node.digest),
        reference,
        named,
        node.digest,
      );
    }
  }

  async tagAll(node: Descriptor, references: string[]): Promise<void> {
    for (const reference of references) await this.tag(node, reference);
  }

  /**
   * Points `reference` at `node` (already stored there). A digest reference stores it untagged: a
   * layout or archive lists it in its index, a registry needs nothing.
   */
  async tag(node: Descriptor, reference: string): Promise<void> {
    const dryRun = this.options.dryRun === true;
    if (isDigest(reference)) {
      if (!dryRun) await this.write(node, reference);
      this.options.onEvent?.({ type: 'stored', node, ...(dryRun ? { dryRun } : {}) });
      return;
    }
    const previous = await this.current(node, reference);
    if (previous !== node.digest && !dryRun) await this.write(node, reference);
    this.announce(node, reference, previous);
  }

  /** The event for a tag written another way (stored and tagged by one PUT). */
  announce(node: Descriptor, reference: string, previous: string | undefined): void {
    const dryRun = this.options.dryRun === true;
    this.options.onEvent?.({ type: 'tagged', node, reference, ...(previous ? { previous } : {}), ...(dryRun ? { dryRun } : {}) });
  }

  private async write(node: Descriptor, reference: string): Promise<void> {
    try {
      await this.dst.tag(node, reference, this.options.context);
    } catch (err) {
      throw new CopyError('destination', `tagging ${node.digest} as ${printable(reference)} in ${this.dst.description}`, err);
    }
  }
}
