import { formatBytes, formatDuration } from '../copy/report.js';
import { shortDigest } from '../oci/descriptor.js';
import { itemError, type ItemResult, type ItemStatus } from '../run/run.js';
import { runTotals } from '../run/run-log.js';
import { code, escapeHtml, FOLD_ROWS, rateLimitLine } from './markdown.js';
import type { StepOutcome } from './report.js';

/** Failed first: the rows a reader came for. */
const ORDER: Record<ItemStatus, number> = { failed: 0, skipped: 1, copied: 2, copy: 2, unchanged: 3 };

const STATUS_WORD: Record<ItemStatus, string> = {
  failed: '**failed**',
  skipped: 'not attempted',
  copied: 'copied',
  copy: 'would copy',
  unchanged: 'unchanged',
};

/**
 * A sync's job summary: the totals first (images copied, unchanged and failed; bytes copied and
 * mounted; the time), then one row per image, failed ones first with their error, folded into
 * <details> when the list is long.
 */
export function syncSummaryMarkdown(outcome: StepOutcome): string {
  const { results } = outcome;
  const count = (s: ItemStatus) => results.filter((r) => r.status === s).length;
  const { bytesCopied, bytesMounted } = runTotals(results);
  const lines: string[] = [];
  const title = outcome.dryRun ? 'Dry run of a sync' : 'Sync';
  lines.push(`### ${title}: ${results.length} ${results.length === 1 ? 'image' : 'images'}`, '');
  const counts = outcome.dryRun
    ? [`**${count('copy')} would be copied**`, `${count('unchanged')} unchanged`, `${count('failed')} failed`]
    : [`**${count('copied')} copied**`, `${count('unchanged')} unchanged`, `${count('failed')} failed`];
  if (count('skipped')) counts.push(`${count('skipped')} not attempted`);
  const bytes = outcome.dryRun ? [] : [`${formatBytes(bytesCopied)} copied`, `${formatBytes(bytesMounted)} mounted`];
  lines.push(`${[...counts, ...bytes].join(' · ')} · ${formatDuration(outcome.durationMs)}`, '');
  const limits = rateLimitLine(outcome.rateLimits);
  if (limits) lines.push(limits, '');

  // The failures first and in view, each with its error; then every image, folded when long.
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'skipped');
  if (failed.length) {
    lines.push(`#### Failed (${failed.length})`, '', '| source | destination | error |', '|---|---|---|', ...failed.map(failedRow), '');
  }
  const sorted = [...results].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const table = ['| status | source | destination | digest |', '|---|---|---|---|', ...sorted.map(row)].join('\n');
  if (sorted.length > FOLD_ROWS) lines.push(`<details><summary>Every image (${sorted.length})</summary>`, '', table, '', '</details>', '');
  else lines.push(`#### Images (${sorted.length})`, '', table, '');
  if (outcome.cacheNote) lines.push(`<sub>${escapeHtml(outcome.cacheNote)}</sub>`, '');
  return lines.join('\n');
}

function row(r: ItemResult): string {
  const digest = r.root && r.status !== 'failed' ? code(`${r.root.digest.slice(0, r.root.digest.indexOf(':') + 1)}${shortDigest(r.root.digest)}…`) : '';
  return `| ${STATUS_WORD[r.status]} | ${code(r.source)} | ${code(r.destination)} | ${digest} |`;
}

function failedRow(r: ItemResult): string {
  return `| ${code(r.source)} | ${code(r.destination)} | ${escapeHtml(itemError(r) ?? '')} |`;
}
