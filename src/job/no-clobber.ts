import { isDigest } from '../oci/digest.js';
import { printable } from '../oci/text.js';
import { isTagReader } from '../targets/target.js';
import { CheckRefusal, type ImageCheck } from './checks.js';

/** The name no-clobber records and refuses under. */
export const NO_CLOBBER_CHECK = 'no-clobber';

/** What no-clobber refused: each destination tag that names another digest, with that digest. */
export interface NoClobberRecord {
  conflicts: Array<{ tag: string; current: string }>;
}

declare module './checks.js' {
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
    if (!isTagReader(dst)) {
      throw new CheckRefusal(`${dst.description} cannot tell what tag ${printable(tags[0])} names, so no-clobber cannot keep it from moving: drop no-clobber for this destination`, NO_CLOBBER_CHECK);
    }
    const root = ctx.resolved.root.digest;
    const conflicts = tags.flatMap((tag) => {
      const named = ctx.current.get(tag);
      return named && named !== root ? [{ tag, current: named }] : [];
    });
    if (!conflicts.length) return;
    const [one] = conflicts;
    const message =
      conflicts.length === 1
        ? `tag ${printable(one.tag)} in ${dst.description} already names ${printable(one.current)}, not ${root}: no-clobber leaves it as it is (remove the tag there, or copy without no-clobber to move it)`
        : `tags ${conflicts.map((c) => printable(c.tag)).join(', ')} in ${dst.description} already name other digests (${conflicts.map((c) => `${printable(c.tag)}: ${printable(c.current)}`).join('; ')}), not ${root}: no-clobber leaves them as they are (remove those tags there, or copy without no-clobber to move them)`;
    throw new CheckRefusal<NoClobberRecord>(message, NO_CLOBBER_CHECK, { conflicts });
  },
};
