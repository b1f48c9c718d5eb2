import type { ItemStatus, JobOutcome } from '../outcome/outcome.js';

/**
 * What each status is called: `title` heads a line or a section (`Copied SRC => DST`), `word`
 * counts or fills a cell (`3 copied`), `mark` stands before a summary heading that asks for a look.
 */
export const STATUS_WORDS: Record<ItemStatus, { title: string; word: string; mark?: string }> = {
  copied: { title: 'Copied', word: 'copied' },
  repaired: { title: 'Repaired', word: 'repaired' },
  copy: { title: 'Would copy', word: 'would copy' },
  unchanged: { title: 'Unchanged', word: 'unchanged' },
  failed: { title: 'Failed', word: 'failed', mark: '❌' },
  skipped: { title: 'Not attempted', word: 'not attempted' },
  deferred: { title: 'Left for the next run', word: 'left for the next run', mark: '⏸️' },
};

/** A failed image a check refused is said so: `Refused by no-clobber`, `refused by …`. */
export const REFUSED_BY = 'Refused by';

/** `Refused by no-clobber` for a failure a check refused, else the status's title. */
export function statusTitle(status: ItemStatus, refusedBy?: string): string {
  return status === 'failed' && refusedBy ? `${REFUSED_BY} ${refusedBy}` : STATUS_WORDS[status].title;
}

/** `2 not attempted`, `1 left for the next run`: the counts of the items not done, those there are. */
export function notDoneCounts(counts: JobOutcome['counts']): string[] {
  return (['skipped', 'deferred'] as const).filter((s) => counts[s]).map((s) => `${counts[s]} ${STATUS_WORDS[s].word}`);
}
