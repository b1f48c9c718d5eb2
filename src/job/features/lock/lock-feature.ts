import { resolve as resolvePath } from 'node:path';
import { formatLock, type LockEntry, parseLock, readLock, readLockText, sortedEntries, writeLock } from '../../../lock/lock-file.js';
import { LockIndex } from '../../../lock/match.js';
import { messageOf } from '../../../oci/errors.js';
import { formatReference, type Reference } from '../../../oci/reference.js';
import { printable } from '../../../oci/text.js';
import type { PlanItem } from '../../../plan/plan.js';
import type { ImageCheck } from '../../checks/check.js';
import type { ItemOutcome, LockOutcome } from '../../outcome/outcome.js';
import type { JobPlan, JobReporter, LockSettings } from '../../settings.js';
import type { FeatureOutcome, JobFeature } from '../feature.js';
import type { KnownTags } from '../../plan-work.js';
import { driftCheck, LOCK_CHECK } from './drift-check.js';

export interface LockFeatureOptions {
  settings: LockSettings;
  dryRun: boolean;
  /** A check of the destinations: it writes no lock; a locked one compares with the lock alone, the source not read. */
  checking?: boolean;
  signal: AbortSignal;
  warn(line: string): void;
  reporter: JobReporter;
}

/** How many images a line names before it counts the rest. */
const NAMED = 5;

/**
 * The lock file as a job feature. Writing (`lock-file`): once the targets are closed, every
 * image the job left in place (copied, unchanged, already there) is written with its digest,
 * sorted, atomically; each image left out is said with why; a dry run writes nothing and says
 * what it would. Locking (`locked`): the lock is read before planning, each planned image takes
 * the digest its entry names (one the lock does not know is refused with one line), the drift
 * check reports a source tag that moved, and the file is left as it was.
 */
export class LockFeature implements JobFeature {
  private index: LockIndex | undefined;
  private part: LockOutcome | undefined;
  private pinned = 0;
  readonly check: ImageCheck | undefined;
  private readonly path: string;
  private readonly file: string;

  constructor(private readonly options: LockFeatureOptions) {
    this.path = resolvePath(options.settings.path);
    this.file = options.settings.name ?? printable(options.settings.path);
    this.check = options.settings.locked && !options.checking ? driftCheck : undefined;
  }

  async open(): Promise<void> {
    if (this.options.settings.locked) this.index = new LockIndex(await readLock(this.path, this.file));
  }

  /**
   * A check against the lock reads nothing from the source: a whole repository's entry takes the
   * tags the lock holds for it (its filters still apply). A locked copy lists the source, so that a
   * tag added since is refused by name; so does a check of a repository the lock holds no tag of.
   */
  sourceTags(repository: Reference): KnownTags | undefined {
    if (!this.index || !this.options.checking) return undefined;
    // None locked: the source is listed, and each tag it has is then refused by name.
    const tags = this.index.tagsOf(repository);
    return tags.length ? { tags, from: `the lock ${this.file}` } : undefined;
  }

  planned(plan: JobPlan): JobPlan {
    const index = this.index;
    if (!index) return plan;
    const pinnedItems = new Map<PlanItem, PlanItem>();
    const pin = (item: PlanItem): PlanItem => {
      let out = pinnedItems.get(item);
      if (out) return out;
      const entry = item.failure ? undefined : index.find(item);
      out = item.failure
        ? item
        : entry
          ? {
              ...item,
              locked: {
                digest: entry.digest,
                ...(entry.sourceDigest ? { sourceDigest: entry.sourceDigest } : {}),
                file: this.file,
                line: entry.line,
              },
            }
          : {
              ...item,
              failure: `${this.file} has no entry for ${formatReference(item.source)} => ${formatReference(item.destination)}: ${
                this.options.checking
                  ? 'a locked check compares only the images the lock names; copy without locked to add it'
                  : 'with locked, only the images the lock names are copied; run without locked to add it'
              }`,
            };
      pinnedItems.set(item, out);
      return out;
    };
    const items = plan.items.map(pin);
    this.pinned = items.filter((i) => i.locked).length;
    // Entries the plan no longer takes (a tag gone from the source's list, an entry dropped) are said, not copied.
    const used = new Set(items.map((i) => (i.locked ? `${i.locked.line}` : '')));
    const unused = index.lock.entries.filter((e) => !used.has(`${e.line}`));
    if (unused.length && !plan.shard) {
      const one = unused.length === 1;
      // A check reads the lock's tags, not the source's: only the list or its filters leave one out.
      const why = this.options.checking ? 'the list or its filters no longer select' : "the list or the source's tags no longer select";
      this.options.warn(
        `${this.file}: ${unused.length} locked ${one ? 'image is' : 'images are'} not in this job's plan and not ${this.options.checking ? 'checked' : 'copied'} (${named(unused.map((e) => `${e.source} => ${e.destination}`))}): ${why} ${one ? 'it' : 'them'}`,
      );
    }
    return { ...plan, all: plan.all.map(pin), items };
  }

  async close(results: readonly ItemOutcome[]): Promise<void> {
    if (this.options.checking && !this.options.settings.locked) return;
    this.part = this.options.settings.locked ? this.lockedOutcome(results) : await this.write(results);
    this.options.reporter.lockNote?.(this.part.line);
  }

  outcome(): FeatureOutcome {
    return this.part ? { lock: this.part } : {};
  }

  private lockedOutcome(results: readonly ItemOutcome[]): LockOutcome {
    const drifted = results.filter((r) => r.checks[LOCK_CHECK]).length;
    const images = `${this.pinned} ${this.pinned === 1 ? 'image held to its locked digest' : 'images held to their locked digests'}`;
    const drift = drifted ? `, ${drifted} with drift (the source tag names another digest now, or is gone)` : '';
    const line = this.options.checking
      ? `${this.file}: ${this.pinned} ${this.pinned === 1 ? 'image' : 'images'} checked against ${this.pinned === 1 ? 'its locked digest' : 'their locked digests'}, the source not read; the file is left as it was`
      : `${this.options.dryRun ? 'Dry run: ' : ''}${this.file}: ${images}${drift}; the file is left as it was`;
    return { file: this.file, path: this.path, state: 'locked', images: this.pinned, leftOut: [], drifted, line };
  }

  private async write(results: readonly ItemOutcome[]): Promise<LockOutcome> {
    const { dryRun, signal } = this.options;
    const before = await readLockText(this.path);
    // An immutable tag the destination has was not compared: its digest comes from the lock there, if it has it.
    const previous = before === undefined ? undefined : safeIndex(before, this.file);
    const entries: LockEntry[] = [];
    const leftOut: LockOutcome['leftOut'] = [];
    for (const r of results) {
      const kept = r.status === 'copied' || r.status === 'unchanged' || (dryRun && r.status === 'copy');
      if (kept && r.root) {
        entries.push({
          source: r.source,
          destination: r.destination,
          digest: r.root.digest,
          ...(r.chosenFrom ? { sourceDigest: r.chosenFrom.digest } : {}),
        });
        continue;
      }
      const known = kept ? previous?.find(r.item) : undefined;
      if (known) {
        entries.push({
          source: known.source,
          destination: known.destination,
          digest: known.digest,
          ...(known.sourceDigest ? { sourceDigest: known.sourceDigest } : {}),
        });
        continue;
      }
      leftOut.push({ source: r.source, destination: r.destination, why: whyLeftOut(r) });
    }
    const text = formatLock(entries);
    const images = sortedEntries(entries).length;
    const changed = before !== text;
    const base = { file: this.file, path: this.path, images, changed, leftOut };
    if (leftOut.length) {
      const list = named(leftOut.map((l) => `${l.destination} (${l.why})`));
      this.options.warn(
        `${this.file} ${dryRun ? 'would leave' : 'leaves'} out ${leftOut.length} ${leftOut.length === 1 ? 'image' : 'images'} the step did not leave in place: ${list}`,
      );
    }
    const count = `${images} ${images === 1 ? 'image' : 'images'}`;
    if (dryRun) {
      const what = before === undefined ? 'a new file' : changed ? 'changed from the file there' : 'the same as the file there';
      return { ...base, state: 'would-write', line: `Dry run: would write ${this.file} (${count}, ${what}); nothing written` };
    }
    if (signal.aborted) {
      return { ...base, state: 'not-written', line: `${this.file} not written: the job was cancelled (it would have listed ${count})` };
    }
    try {
      await writeLock(this.path, entries);
    } catch (err) {
      const line = `${this.file} could not be written (${printable(messageOf(err), 300)}): check that its folder exists and is writable`;
      this.options.warn(line);
      return { ...base, state: 'not-written', line };
    }
    const what = before === undefined ? 'new' : changed ? 'changed' : 'unchanged';
    return { ...base, state: 'written', line: `Wrote ${this.file}: ${count} (${what})` };
  }
}

/** Why an image is not in the lock, in a few words. */
function whyLeftOut(r: ItemOutcome): string {
  if (r.status === 'failed') return r.refusedBy ? `refused by ${r.refusedBy}` : 'failed';
  if (r.status === 'skipped') return 'not attempted';
  if (r.status === 'deferred') return 'left for the next run';
  if (r.reason === 'immutable') return 'immutable tag not compared, and not in the lock there';
  return 'no digest';
}

/** The first few, then how many more. */
function named(list: readonly string[]): string {
  const shown = list.slice(0, NAMED).join(', ');
  return list.length > NAMED ? `${shown}, and ${list.length - NAMED} more` : shown;
}

/** The lock already there, when it reads as one: where an image not compared this time takes its digest from. */
function safeIndex(text: string, file: string): LockIndex | undefined {
  try {
    return new LockIndex(parseLock(text, file));
  } catch {
    return undefined;
  }
}
