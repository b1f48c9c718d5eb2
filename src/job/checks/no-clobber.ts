import { isDigest } from '../../oci/digest.js';
import { tagsWouldMove, tagUnreadable, type TagConflict } from '../../copy/tagging.js';
import { isTagReader } from '../../targets/target.js';
import { CheckRefusal, type ImageCheck } from './check.js';

/** The name no-clobber records and refuses under. */
export const NO_CLOBBER_CHECK = 'no-clobber';

/** What no-clobber refused: each destination tag that names another digest, with that digest. */
export interface NoClobberRecord {
  conflicts: Array<{ tag: string; current: string }>;
}

declare module './check.js' {
  interface KnownCheckRecords {
    [NO_CLOBBER_CHECK]: NoClobberRecord;
  }
}

/**
 * `noClobber`: a destination tag that names another digest is never moved. Every tag of the
 * destination is judged from the read that compared it (no request of its own), and the refusal
 * names all of them at once, so one fix serves the next run. The engine reads each tag again
 * right before writing it, for a writer that slipped in meanwhile.
 */
export const noClobberCheck: ImageCheck<NoClobberRecord> = {
  name: NO_CLOBBER_CHECK,
  async run(ctx) {
    if (!ctx.options.noClobber) return;
    const tags = ctx.references.filter((r) => !isDigest(r));
    const dst = ctx.destination;
    if (!tags.length) return;
    if (!isTagReader(dst)) throw new CheckRefusal(tagUnreadable(dst.description, tags[0]), NO_CLOBBER_CHECK);
    const root = ctx.resolved.root.digest;
    const conflicts: TagConflict[] = tags.flatMap((tag) => {
      const named = ctx.current.get(tag);
      return named && named !== root ? [{ tag, current: named }] : [];
    });
    if (conflicts.length)
      throw new CheckRefusal<NoClobberRecord>(tagsWouldMove(dst.description, conflicts, root), NO_CLOBBER_CHECK, { conflicts });
  },
};
