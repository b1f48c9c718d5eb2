import { NotFoundError, messageOf } from '../../../oci/errors.js';
import { formatReference } from '../../../oci/reference.js';
import { printable } from '../../../oci/text.js';
import type { ImageCheck, ImageCheckContext } from '../../checks/check.js';
import type { CheckPresenter } from '../../checks/presenter.js';
import { peekSourceRoot } from '../../pipeline/compare.js';

/** The name the drift check records under. */
export const LOCK_CHECK = 'lock';

/**
 * A locked image whose source tag names another digest now (or is gone): the locked digest was
 * copied, the tag's new one was not followed. `source` is what the tag names now; none when the
 * source no longer has the tag.
 */
export interface LockDrift {
  /** The source reference, with the tag that moved. */
  reference: string;
  locked: string;
  source?: string;
  /** The lock file and the entry's line. */
  file: string;
  line: number;
}

declare module '../../checks/check.js' {
  interface KnownCheckRecords {
    lock: LockDrift;
  }
}

/**
 * Where the summary lists drift, its mark, and how it shows: the warning line says it in the log
 * and the summary; the record gives `drift: {locked, source}` in the image's JSON.
 */
export const driftPresenter: CheckPresenter<LockDrift> = {
  heading: 'Lock',
  mark: '🔒',
  logLines: () => [],
  summaryCells: () => ['drift: kept at the locked digest'],
  json: (d) => ({ key: 'drift', fields: { locked: d.locked, source: d.source ?? null } }),
};

/**
 * Drift, on every run of a locked image: one read of what its source tag names now (a HEAD on a
 * registry). The copy takes the locked digest whatever this finds; a tag that moved, or is gone,
 * is a warning naming both digests and the lock's entry. A source read by digest cannot drift.
 */
export const driftCheck: ImageCheck<LockDrift> = {
  name: LOCK_CHECK,
  presenter: driftPresenter,
  everyRun: true,
  async run(ctx: ImageCheckContext): Promise<LockDrift | undefined> {
    const locked = ctx.item.locked;
    const src = ctx.item.source;
    if (!locked || src.digest) return undefined;
    const pinned = locked.sourceDigest ?? locked.digest;
    const tags = src.tags.length ? src.tags : src.transport === 'registry' ? ['latest'] : [];
    if (!tags.length) return undefined;
    const reference = formatReference({ ...src, tags: tags.slice(0, 1) });
    let now: string | undefined;
    try {
      now = (await peekSourceRoot(ctx.source, { tags: tags.slice(0, 1) })).digest;
    } catch (err) {
      if (!(err instanceof NotFoundError)) {
        ctx.warning(
          `drift not checked: ${reference} could not be read (${printable(messageOf(err), 300)}); the locked ${pinned} is copied`,
        );
        return undefined;
      }
    }
    if (now === pinned) return undefined;
    const lock = `line ${locked.line} of the lock ${locked.file} names ${pinned}`;
    ctx.warning(
      now
        ? `drift: ${reference} names ${now} now (${lock}): the locked digest is copied, not the tag's; run without locked to follow the tag`
        : `drift: ${reference} is gone from the source (${lock}): the locked digest is copied`,
    );
    return { reference, locked: pinned, ...(now ? { source: now } : {}), file: locked.file, line: locked.line };
  },
};
