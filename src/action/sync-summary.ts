import { formatBytes, formatDuration } from '../job/outcome/copy-report.js';
import type { ItemOutcome, ItemStatus, JobOutcome, PruneOutcome } from '../job/outcome/outcome.js';
import { formatPlatform } from '../oci/platform.js';
import { checkCells, markedCheckLines } from '../job/render/checks.js';
import { notDoneCounts, REFUSED_BY, STATUS_WORDS } from '../job/render/status-words.js';
import { describeEmptySelection } from '../plan/plan.js';
import { integrityRecords } from '../job/render/records.js';
import { code, escapeHtml, escapeMarkdown, FOLD_ROWS, lockLine, rateLimitLine } from './markdown.js';

/** Failed first: the rows a reader came for. */
const ORDER: Record<ItemStatus, number> = { failed: 0, skipped: 1, deferred: 1, repaired: 2, copied: 2, copy: 2, unchanged: 3 };

/** A status as its row's cell says it: a failure in bold, where the eye finds it. */
function statusCell(status: ItemStatus): string {
  const { word } = STATUS_WORDS[status];
  return status === 'failed' ? `**${word}**` : word;
}

/**
 * A sync's job summary: the totals first (images copied, unchanged and failed; bytes copied and
 * mounted; the time), then one row per image, failed ones first with their error, folded into
 * <details> when the list is long. Each row says what the log says of the image besides its
 * digest: a tag that moved, the platforms, the referrers, a warning.
 */
export function syncSummaryMarkdown(outcome: JobOutcome): string {
  const { results, counts } = outcome;
  const lines: string[] = [];
  const checking = outcome.integrity === 'check';
  const title = checking ? 'Check of a mirror' : outcome.dryRun ? 'Dry run of a sync' : 'Sync';
  lines.push(`### ${title}: ${results.length} ${results.length === 1 ? 'image' : 'images'}`, '');
  const count = (s: ItemStatus) => `${counts[s]} ${STATUS_WORDS[s].word}`;
  const parts = checking
    ? checkCounts(outcome)
    : outcome.dryRun
      ? [`**${counts.copy} would be copied**`, count('unchanged'), count('failed')]
      : [`**${count('copied')}**`, `${count('unchanged')}${unchangedNote(results)}`, count('failed')];
  if (counts.repaired) parts.splice(1, 0, `**${count('repaired')}**`);
  parts.push(...notDoneCounts(counts));
  const bytes =
    outcome.dryRun || checking
      ? []
      : [
          `${formatBytes(outcome.bytes.copied)} copied`,
          `${formatBytes(outcome.bytes.mounted)} mounted`,
          ...(outcome.bytes.resent ? [`${formatBytes(outcome.bytes.resent)} resent`] : []),
        ];
  lines.push(`${[...parts, ...bytes].join(' · ')} · ${formatDuration(outcome.durationMs)}`, '');
  const limits = rateLimitLine(outcome.rateLimits);
  if (limits) lines.push(limits, '');
  if (outcome.pullBudget) lines.push(`> ${STATUS_WORDS.deferred.mark} Pull budget: ${escapeHtml(outcome.pullBudget)}`, '');
  if (outcome.lock) lines.push(lockLine(outcome.lock), '');

  // The failures first and in view, each with its error; then every image, folded when long.
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'skipped');
  if (failed.length) {
    lines.push(
      `#### ${STATUS_WORDS.failed.title} (${failed.length})`,
      '',
      '| source | destination | error |',
      '|---|---|---|',
      ...failed.map(failedRow),
      '',
    );
    // An error with a long unbreakable word (an identity URL, a path) would widen the table past
    // the page and hide itself behind a scroll bar: it is given in full below, where it wraps.
    const long = failed.filter((r) => unbreakable(r.error) && !listedUnderCheck(r));
    if (long.length) lines.push(...long.map((r) => `- ${code(r.source)}: ${refusal(r)}${escapeHtml(r.error ?? '')}`), '');
  }
  const sorted = [...results].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const table = ['| status | source → destination | digest | details |', '|---|---|---|---|', ...sorted.map((r) => row(r, checking))].join(
    '\n',
  );
  if (!sorted.length) lines.push(noImages(outcome), '');
  else if (sorted.length > FOLD_ROWS)
    lines.push(`<details><summary>Every image (${sorted.length})</summary>`, '', table, '', '</details>', '');
  else lines.push(`#### Images (${sorted.length})`, '', table, '');
  const empty = outcome.plan.nothingSelected ?? [];
  if (empty.length)
    lines.push(`#### Nothing selected (${empty.length})`, '', ...empty.map((e) => `- ⚠️ ${escapeMarkdown(describeEmptySelection(e))}`), '');
  // The checks' lines name digests and identity URLs in full: lists under the table, where they wrap.
  lines.push(...checkSections(sorted));
  lines.push(...warningSection(sorted));
  if (outcome.pruned?.length) lines.push(...pruneSection(outcome.pruned, outcome.dryRun));
  if (outcome.cacheNote) lines.push(`<sub>${escapeHtml(outcome.cacheNote)}</sub>`, '');
  return lines.join('\n');
}

/** Per heading the checks give (`Signatures`), their lines for every image, each naming its destination. */
function checkSections(results: ItemOutcome[]): string[] {
  const sections = new Map<string, string[]>();
  for (const r of results) {
    for (const l of markedCheckLines(r)) {
      let list = sections.get(l.heading);
      if (!list) sections.set(l.heading, (list = []));
      list.push(`- ${l.mark} ${code(r.destination)}: ${escapeHtml(l.line)}`);
    }
  }
  return [...sections].flatMap(([heading, lines]) => [`#### ${heading}`, '', ...lines, '']);
}

/** Why a sync has no image to show, instead of an empty table. */
function noImages(outcome: JobOutcome): string {
  const { shard, all, nothingSelected } = outcome.plan;
  if (shard && all) return `No images: shard ${shard.index}/${shard.count} takes none of the list's ${all}.`;
  return nothingSelected?.length ? 'No images: no entry selected a tag (below).' : 'No images.';
}

/** `**3 intact** · 1 damaged`: what a check found, the kinds there are. */
function checkCounts(outcome: JobOutcome): string[] {
  const records = integrityRecords(outcome);
  const intact = records.filter((r) => r.status === 'intact').length;
  const others = ['drifted', 'damaged', 'refused', 'unchecked']
    .map((s) => [s, records.filter((r) => r.status === s).length] as const)
    .filter(([, n]) => n)
    .map(([s, n]) => `${n} ${s}`);
  return [`**${intact} intact**`, ...others];
}

function row(r: ItemOutcome, checking: boolean): string {
  const shown = r.root?.digest ?? r.checks.check?.digest;
  const digest = shown ? code(short(shown)) : '';
  // A check copies nothing: its rows say what it found (intact, drifted, damaged), not unchanged or failed.
  const found = checking ? r.checks.check?.status : undefined;
  const status = found
    ? found === 'intact'
      ? found
      : `**${found}**`
    : r.reason === 'immutable'
      ? `${STATUS_WORDS.unchanged.word} (not compared)`
      : statusCell(r.status);
  return `| ${status} | ${code(r.source)}<br>→ ${code(r.destination)} | ${digest} | ${details(r).join('<br>')} |`;
}

/** A check's problems are each a line under Check, in full: the failure's error need not be given twice. */
const listedUnderCheck = (r: ItemOutcome) => (r.checks.check?.problems.length ?? 0) > 0;

function failedRow(r: ItemOutcome): string {
  const error = unbreakable(r.error)
    ? `${refusal(r)}${escapeHtml(firstClause(r.error ?? ''))} (in full ${listedUnderCheck(r) ? 'under Check' : 'below the table'})`
    : `${refusal(r)}${escapeHtml(r.error ?? '')}`;
  return `| ${code(r.source)} | ${code(r.destination)} | ${error} |`;
}

const refusal = (r: ItemOutcome) => (r.refusedBy ? `${REFUSED_BY.toLowerCase()} ${escapeHtml(r.refusedBy)}: ` : '');

/** Words longer than this do not wrap in a table cell and push the table wider than the page. */
const LONGEST_WORD = 40;
function unbreakable(text: string | undefined): boolean {
  return !!text && text.split(/\s+/).some((w) => w.length > LONGEST_WORD);
}

/**
 * `no signature of sha256:… satisfies the policy`: an error up to its first `: ` after the start
 * and outside parentheses (a clause cut inside them would leave one open), digests shortened.
 */
function firstClause(text: string): string {
  let depth = 0;
  let cut = -1;
  for (let i = 1; i < text.length - 1 && cut < 0; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && text[i] === ':' && text[i + 1] === ' ') cut = i;
  }
  return shortDigests(cut < 0 ? text : text.slice(0, cut));
}

/** ` (5 of them immutable tags, not compared)`: unchanged that no comparison showed. */
function unchangedNote(results: ItemOutcome[]): string {
  const immutable = results.filter((r) => r.reason === 'immutable').length;
  return immutable ? ` (${immutable} of them immutable tags, not compared)` : '';
}

/** What the log says of an image beyond its digest, one short phrase each. */
function details(r: ItemOutcome): string[] {
  const out: string[] = [];
  const would = r.status === 'copy';
  for (const t of r.tags.filter((t) => t.change === 'moved'))
    out.push(`tag ${code(t.tag)} ${would ? 'would move' : 'moved'} from ${code(short(t.previous ?? ''))}`);
  const asked = r.options.platform;
  if (asked && !r.platforms.length) {
    const list = Array.isArray(asked) ? asked : [asked];
    out.push(`platform ${list.map((p) => code(formatPlatform(p))).join(', ')} asked`);
  }
  if (r.platforms.length === 1) out.push(`platform ${code(r.platforms[0].platform)}`);
  else if (r.platforms.length > 1) out.push(`${r.platforms.length} platforms: ${r.platforms.map((p) => code(p.platform)).join(', ')}`);
  if (r.chosenFrom) out.push(`chosen from index ${code(short(r.chosenFrom.digest))}`);
  if (r.referrers) {
    const { found, copied, there } = r.referrers;
    out.push(
      found
        ? `referrers: ${r.referrers.kinds.map((k) => `${k.count} × ${escapeHtml(k.label)}`).join(', ')} (${copied} ${would ? 'to copy' : 'copied'}, ${there} there)`
        : 'referrers: none found',
    );
  } else if (r.options.referrers && r.status !== 'failed' && r.status !== 'skipped') {
    out.push(r.status === 'copy' ? 'referrers: looked for when copied' : 'referrers: not looked for');
  }
  for (const cell of checkCells(r)) out.push(`${cell.mark} ${escapeHtml(cell.text)}`);
  if (r.status === 'failed' || r.status === 'skipped') out.push(r.status === 'failed' ? 'error under Failed' : 'why under Failed');
  if (r.reason === 'immutable') out.push('immutable tag the destination has: not compared');
  // The status column already says "left for the next run": the details say why.
  if (r.status === 'deferred' && r.error) out.push(escapeHtml(r.error.replace(/^left for the next run: /, '')));
  for (const w of r.warnings) out.push(`⚠️ ${warningCell(w)}`);
  return out;
}

/**
 * A warning as its cell gives it: digests shortened, and one still holding a word too long to wrap
 * (a path, a URL) cut to its first clause. Either way it is given in full under the table.
 */
function warningCell(warning: string): string {
  const shortened = shortDigests(warning);
  if (unbreakable(shortened)) return `${escapeHtml(firstClause(warning))} (in full below the table)`;
  return shortened === warning ? escapeHtml(warning) : `${escapeHtml(shortened)} (in full below the table)`;
}

/** The warnings a cell shortened, in full, each naming its destination: a list wraps where a table cannot. */
function warningSection(results: ItemOutcome[]): string[] {
  const lines = results.flatMap((r) =>
    r.warnings.filter((w) => warningCell(w) !== escapeHtml(w)).map((w) => `- ⚠️ ${code(r.destination)}: ${escapeHtml(w)}`),
  );
  return lines.length ? ['#### Warnings', '', ...lines, ''] : [];
}

const shortDigests = (text: string) => text.replace(/sha256:[0-9a-f]{64}/g, (d) => short(d));

/** `sha256:0123456789ab…`: enough of a digest to tell it in a table. */
function short(digest: string): string {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest : `${digest.slice(0, colon + 13)}…`;
}

/** Per pruning entry's destination: the tags removed (or that would be), protected, kept, and why it stopped. */
function pruneSection(pruned: PruneOutcome[], dryRun: boolean): string[] {
  const tags = (list: string[]) => (list.length ? list.map(code).join(' ') : '—');
  const rows = pruned.map((p) => {
    const notes = [
      ...(p.attachmentsKept.length ? [`attachments kept: ${tags(p.attachmentsKept)}`] : []),
      ...p.failed.map((f) => `⚠️ ${code(f.tag)} not removed: ${escapeHtml(f.error)}`),
      ...(p.stopped ? [`stopped: ${escapeHtml(p.stopped)}`] : []),
    ];
    return `| ${code(p.destination)} | ${tags(p.removed)} | ${tags(p.protected)} | ${p.kept ?? '—'} | ${notes.join('<br>')} |`;
  });
  const head = `| destination | ${dryRun ? 'would remove' : 'removed'} | protected | kept (protected included) | notes |`;
  return [`#### ${dryRun ? 'Would prune' : 'Pruned'} (${pruned.length})`, '', head, '|---|---|---|---|---|', ...rows, ''];
}
