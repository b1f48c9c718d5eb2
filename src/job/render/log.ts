import type { CopyEvent, CopyListener } from '../../copy/events.js';
import { eventLine, logLines } from './event-lines.js';
import { formatBytes, formatDuration } from '../outcome/copy-report.js';
import { formatReference } from '../../oci/reference.js';
import type { ItemOutcome, ItemStatus, PruneOutcome } from '../outcome/outcome.js';
import type { ItemStart, JobPlan, JobReporter } from '../settings.js';
import { checkLines } from './checks.js';
import { STATUS_WORDS, statusTitle } from './status-words.js';

/**
 * Where a job's lines go: the action's log (where a group folds and a warning is an annotation),
 * or a terminal or pipe (where a group is a heading line). Every line is made safe by the sink.
 */
export interface LineSink {
  line(text: string): void;
  warning(text: string): void;
  startGroup(title: string): void;
  endGroup(): void;
}

/** How often a sync of many images says how far it got. */
export const SYNC_PROGRESS_EVERY_MS = 10_000;

/**
 * A line per event, the warnings (something asked for and not done) as warnings. Where lines only
 * append (a workflow log, a pipe), a blob that takes long gets a progress line every few seconds;
 * `progress: false` leaves those to a status line that is redrawn.
 */
export function eventLines(
  sink: Pick<LineSink, 'line' | 'warning'>,
  options: { now?: () => number; progress?: boolean } = {},
): CopyListener {
  const lines: CopyListener =
    options.progress === false
      ? (event) => {
          const line = eventLine(event);
          if (line) sink.line(line);
        }
      : logLines((line) => sink.line(line), options.now);
  return (event) => (event.type === 'notice' && event.level === 'warning' ? sink.warning(event.message) : lines(event));
}

/** What heads an image a check found intact. */
const CHECKED = 'Checked';

/** What heads the result of an image acted on where it is (verified, signed), not copied. */
export const IN_PLACE = 'In place';

/** `Copied SRC => DST`, `Unchanged: DST already names sha256:…`: what became of one destination, in a line. */
export function resultLine(r: ItemOutcome, dryRun: boolean): string {
  if (r.status === 'failed' || r.status === 'skipped' || r.status === 'deferred')
    return `${statusTitle(r.status, r.refusedBy)}: ${r.error}`;
  // Acted on in place: nothing moved, what its checks and stages found is told in their own lines.
  if (r.item.inPlace && r.status === 'unchanged') return `${IN_PLACE}: ${r.destination} names ${r.root?.digest}`;
  const unchanged = STATUS_WORDS.unchanged.title;
  if (r.status === 'unchanged' && r.reason === 'immutable') return `${unchanged}: ${r.destination} has this immutable tag (not compared)`;
  if (r.status === 'unchanged') return `${unchanged}: ${r.destination} already names ${r.root?.digest}`;
  if (r.status === 'repaired')
    return `${STATUS_WORDS.repaired.title} ${r.destinationDescription} (${r.root?.digest}): what was missing or damaged is put back`;
  return `${STATUS_WORDS[dryRun ? 'copy' : 'copied'].title} ${r.sourceDescription} => ${r.destinationDescription}`;
}

/**
 * `3 copied (1.20 MiB), 1 mounted (…), 2 already there, in 1.4 s`: what one destination moved, in
 * its own time; in a dry run what it would. None for an unchanged image that was not walked.
 */
/** `, 12.0 MiB resent`: what a flaky link cost, beside the bytes copied; nothing when nothing went twice. */
export function resentPart(bytes: number): string {
  return bytes > 0 ? `, ${formatBytes(bytes)} resent` : '';
}

export function totalsLine(r: ItemOutcome, dryRun: boolean): string | undefined {
  const t = r.totals;
  if (!r.root || (r.status === 'unchanged' && t.nodes <= 1)) return undefined;
  return dryRun
    ? `Would copy ${t.copied} (${formatBytes(t.bytesCopied)}) and mount ${t.mounted} (${formatBytes(t.bytesMounted)}); ${t.existing} already there; checked in ${formatDuration(r.durationMs)}`
    : `${t.copied} copied (${formatBytes(t.bytesCopied)}${resentPart(t.bytesResent)}), ${t.mounted} mounted (${formatBytes(t.bytesMounted)}), ${t.existing} already there, in ${formatDuration(r.durationMs)}`;
}

/** `2 entries, 40 images, shard 1/4 takes 10`: what a sync's list expanded to, and this job's share. */
export function planLine(plan: JobPlan, entries: number): string {
  const share = plan.shard ? `, shard ${plan.shard.index}/${plan.shard.count} takes ${plan.items.length}` : '';
  return `${entries} ${entries === 1 ? 'entry' : 'entries'}, ${plan.all.length} ${plan.all.length === 1 ? 'image' : 'images'}${share}`;
}

/**
 * What a destination's group is headed: the copy it starts (`copy SRC => DST`), or, for one that
 * moves nothing, what it is (`Unchanged SRC => DST`, `Not attempted SRC => DST`).
 */
export function itemHeading(start: ItemStart): string {
  const dry = start.dryRun ? 'Dry run: ' : '';
  if (start.item.inPlace) return `${dry}${start.item.inPlace} ${formatReference(start.item.source)} (${IN_PLACE.toLowerCase()})`;
  const pair = `${formatReference(start.item.source)} => ${formatReference(start.item.destination)}`;
  if (start.known === 'unchanged') return `${start.dryRun ? 'Dry run: ' : ''}${STATUS_WORDS.unchanged.title} ${pair}`;
  if (start.known === 'skipped') return `${STATUS_WORDS.skipped.title} ${pair}`;
  return `${start.dryRun ? 'Dry run: ' : ''}${start.operation} ${pair}`;
}

/**
 * The one-image job's log: a group per destination, open while it copies, with a line per node
 * as it happens; at its end what happened and the digest.
 */
export function copyLog(sink: LineSink): JobReporter {
  let dryRun = false;
  return {
    warning: (line) => sink.warning(line),
    budgetStopped: (line) => sink.warning(line),
    lockNote: (line) => sink.line(line),
    itemStarted(start) {
      dryRun = start.dryRun;
      sink.startGroup(itemHeading(start));
      return eventLines(sink);
    },
    itemDone(r) {
      sink.line(resultLine(r, dryRun));
      if (r.root) sink.line(`Digest: ${r.root.digest}`);
      // What a check said as it ran (a verification, before the copy) is not said again.
      for (const line of checkLines(r, true)) sink.line(line);
      const totals = totalsLine(r, dryRun);
      if (totals) sink.line(totals);
      sink.endGroup();
    },
  };
}

/**
 * A sync's log: images copy several at a time, so each one's lines are gathered and printed as
 * one group when it is done (a copied or failed image), an unchanged image is one line, and every
 * few seconds a line says how far the whole sync got.
 */
export function syncLog(sink: LineSink, now: () => number = Date.now): JobReporter {
  const buffers = new Map<number, Array<{ text: string; warning?: boolean }>>();
  const counts: Record<ItemStatus, number> = { copied: 0, repaired: 0, unchanged: 0, failed: 0, skipped: 0, copy: 0, deferred: 0 };
  let total = 0;
  let dryRun = false;
  let bytes = 0;
  let done = 0;
  let last = now();
  const tick = () => {
    const t = now();
    if (t - last < SYNC_PROGRESS_EVERY_MS || done === total) return;
    last = t;
    const verb = dryRun ? 'checked' : 'done';
    const w = (s: ItemStatus) => `${counts[s]} ${STATUS_WORDS[s].word}`;
    const deferred = counts.deferred ? `, ${w('deferred')}` : '';
    sink.line(
      `Progress: ${done} of ${total} images ${verb} (${dryRun ? `${counts.copy} to copy` : w('copied')}, ${w('unchanged')}, ${w('failed')}${deferred}), ${buffers.size} in progress${dryRun ? '' : `, ${formatBytes(bytes)} moved`}`,
    );
  };
  return {
    warning: (line) => sink.warning(line),
    planned(plan) {
      total = plan.items.length;
    },
    itemStarted(start) {
      dryRun = start.dryRun;
      const lines: Array<{ text: string; warning?: boolean }> = [];
      buffers.set(start.index, lines);
      const log = eventLines({ line: (text) => lines.push({ text }), warning: (text) => lines.push({ text, warning: true }) }, { now });
      return (event: CopyEvent) => {
        log(event);
        if (event.type === 'done' && event.action === 'copied') bytes += event.node.size;
        tick();
      };
    },
    pruned(p, dry) {
      sink.line(pruneLine(p, dry));
    },
    budgetStopped(line) {
      sink.warning(line);
    },
    lockNote(line) {
      sink.line(line);
    },
    itemDone(r) {
      const lines = buffers.get(r.index) ?? [];
      buffers.delete(r.index);
      done++;
      counts[r.status]++;
      const pair = `${r.source} => ${r.destination}`;
      const warnings = () => {
        for (const l of lines) if (l.warning) sink.warning(l.text);
      };
      // An image a check or repair walked and found whole was checked, not merely left as it was.
      const checked = r.status === 'unchanged' && r.checks.check?.status === 'intact';
      const title = `${checked ? CHECKED : statusTitle(r.status, r.refusedBy)} ${pair}`;
      if (r.status === 'unchanged' && r.reason === 'immutable') sink.line(`${title} (immutable tag the destination has: not compared)`);
      else if (r.status === 'unchanged') {
        sink.line(`${title} (${r.root?.digest})`);
        for (const line of checkLines(r)) sink.line(line);
      } else if (r.status === 'deferred' || r.status === 'skipped') sink.line(`${title}: ${r.error}`);
      else if (r.status === 'copy') {
        sink.line(`${title}${r.root ? ` (${r.root.digest})` : ''}`);
        for (const line of checkLines(r)) sink.line(line);
      } else {
        sink.startGroup(r.status === 'failed' ? title : `${title} (${r.root?.digest})`);
        for (const l of lines) (l.warning ? sink.warning : sink.line)(l.text);
        for (const line of checkLines(r, true)) sink.line(line);
        if (r.status === 'failed') sink.line(`${r.refusedBy ? 'Refusal' : 'Error'}: ${r.error}`);
        sink.endGroup();
        tick();
        return;
      }
      warnings();
      tick();
    },
  };
}

/**
 * `Pruned HOST/REPO (entry 2): removed 3 tags (0.8, 0.9, 1.0); protected 1 (nightly); 12 kept`;
 * in a dry run `Would prune …: would remove …`; a prune that stopped says why (`Not pruned …: why`
 * when it removed nothing).
 */
export function pruneLine(p: PruneOutcome, dryRun: boolean): string {
  // Stopped before removing anything (another shard prunes, a registry that refuses deletes): why, and what stays when it was listed.
  if (p.stopped && !p.removed.length && !p.failed.length)
    return `Not pruned ${p.destination} (entry ${p.entry}): ${p.stopped}${p.kept !== undefined ? `; ${p.kept} kept` : ''}`;
  const list = (tags: string[]) =>
    tags.length
      ? ` (${tags.slice(0, PRUNE_TAGS_NAMED).join(', ')}${tags.length > PRUNE_TAGS_NAMED ? `, and ${tags.length - PRUNE_TAGS_NAMED} more` : ''})`
      : '';
  const parts = [`${dryRun ? 'would remove' : 'removed'} ${p.removed.length} ${p.removed.length === 1 ? 'tag' : 'tags'}${list(p.removed)}`];
  if (p.protected.length) parts.push(`protected ${p.protected.length}${list(p.protected)}`);
  if (p.attachmentsKept.length)
    parts.push(
      `kept ${p.attachmentsKept.length} attachment ${p.attachmentsKept.length === 1 ? 'tag' : 'tags'} of removed images${list(p.attachmentsKept)}`,
    );
  if (p.failed.length) parts.push(`${p.failed.length} not removed${list(p.failed.map((f) => f.tag))}`);
  if (p.kept !== undefined) parts.push(`${p.kept} kept`);
  const stopped = p.stopped ? `; stopped: ${p.stopped}` : '';
  return `${dryRun ? 'Would prune' : 'Pruned'} ${p.destination} (entry ${p.entry}): ${parts.join('; ')}${stopped}`;
}

/** How many tags a prune line names before it counts the rest. */
const PRUNE_TAGS_NAMED = 10;
