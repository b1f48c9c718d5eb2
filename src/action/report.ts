import * as core from '@actions/core';
import { CopyReport, formatBytes, formatDuration } from '../copy/report.js';
import type { Descriptor } from '../oci/descriptor.js';
import { formatReference } from '../oci/reference.js';
import type { Operation } from '../inputs/inputs.js';
import { Output } from '../inputs/names.js';
import { itemError, type ItemResult } from '../run/run.js';
import type { RateLimitNote } from '../targets/registry/index.js';
import { log } from './log.js';
import { code, escapeHtml, FOLD_ROWS, rateLimitLine } from './markdown.js';
import { syncSummaryMarkdown } from './sync-summary.js';

export { escapeHtml } from './markdown.js';

export { logEvents } from './log.js';


/** What one destination received. */
export interface DestinationOutcome {
  operation: string;
  /** the reference as the user wrote it */
  destination: string;
  /** the target's own name: `[registry] host/repo` */
  description: string;
  report: CopyReport;
  /** `unchanged`: it held the root already (found by HEADs); `failed` with `error` */
  status?: ItemResult['status'];
  error?: string;
}

export interface CopyOutcome {
  source: string;
  root: Descriptor;
  destinations: DestinationOutcome[];
  dryRun: boolean;
  /** what happened to the blob-info cache, for the summary's footnote */
  cacheNote?: string;
}

/** Everything a step did, for its outputs, summary and final word. */
export interface StepOutcome {
  mode: 'copy' | 'sync';
  results: ItemResult[];
  dryRun: boolean;
  durationMs: number;
  /** What registries said of their pull limits at the end. */
  rateLimits: RateLimitNote[];
  /** The one-image step's operation per destination. */
  operations?: Operation[];
  cacheNote?: string;
}

/** How many failed items a failure message names before it counts the rest. */
const NAMED_FAILURES = 3;

/**
 * The step's one failure line, or undefined when nothing failed: the error itself for a single
 * destination, else each failed destination or image (the first few, then a count).
 */
export function failureLine(outcome: StepOutcome): string | undefined {
  const failed = outcome.results.filter((r) => r.status === 'failed');
  if (!failed.length) return undefined;
  if (outcome.mode === 'copy' && outcome.results.length === 1) return itemError(failed[0]);
  const what = outcome.mode === 'copy' ? 'destinations' : 'images';
  const named = failed.slice(0, NAMED_FAILURES).map((r) => (outcome.mode === 'copy' ? `${r.destination}: ${itemError(r)}` : `${r.source} => ${r.destination}: ${itemError(r)}`));
  const more = failed.length > NAMED_FAILURES ? `; and ${failed.length - NAMED_FAILURES} more` : '';
  const skipped = outcome.results.filter((r) => r.status === 'skipped').length;
  const notTried = skipped ? ` (${skipped} not attempted: fail-fast)` : '';
  return `${failed.length} of ${outcome.results.length} ${what} failed${notTried}: ${named.join('; ')}${more}`;
}

/** The `images` output: one object per (source, destination) with what became of it. */
export function imagesOutput(results: ItemResult[]): string {
  return JSON.stringify(
    results.map((r) => ({
      source: r.source,
      destination: r.destination,
      ...(r.root ? { digest: r.root.digest } : {}),
      status: r.status,
      ...(r.error !== undefined ? { error: itemError(r) } : {}),
    })),
  );
}

/** The one-image step's results as the copy summary reads them. */
export function copyOutcome(outcome: StepOutcome): CopyOutcome | undefined {
  const root = outcome.results.find((r) => r.root && r.status !== 'failed')?.root ?? outcome.results.find((r) => r.root)?.root;
  const first = outcome.results[0];
  if (!first) return undefined;
  return {
    source: first.source,
    root: root ?? { mediaType: 'unknown', digest: 'unknown', size: 0 },
    dryRun: outcome.dryRun,
    ...(outcome.cacheNote ? { cacheNote: outcome.cacheNote } : {}),
    destinations: outcome.results.map((r, i) => ({
      operation: outcome.operations?.[i] ?? 'copy',
      destination: r.status === 'failed' ? formatReference(r.item.destination) : r.destination,
      description: r.destinationDescription ?? formatReference(r.item.destination),
      report: r.report,
      status: r.status,
      ...(r.error !== undefined ? { error: itemError(r) } : {}),
    })),
  };
}

/**
 * The `blobs` output: one object per node of the copied graph. With several destinations, one per
 * node and destination, each naming its destination.
 */
export function blobsOutput(destinations: DestinationOutcome[], several = destinations.length > 1): string {
  return JSON.stringify(
    destinations.flatMap((d) =>
      d.report.nodes.map((n) => ({
        digest: n.digest,
        mediaType: n.mediaType,
        size: n.size,
        action: n.action,
        ...(n.from ? { from: n.from } : {}),
        ...(several ? { destination: d.destination } : {}),
      })),
    ),
  );
}

/**
 * Every output, in one place. `images` always; for the one-image step also the root (`digest`,
 * `media-type`, `size`) and `blobs`, over every destination that was written.
 */
export function writeOutputs(outcome: StepOutcome): void {
  core.setOutput(Output.Images, imagesOutput(outcome.results));
  if (outcome.mode !== 'copy') return;
  const written = outcome.results.filter((r) => r.root && r.status !== 'failed' && r.status !== 'skipped');
  const root = written[0]?.root;
  if (!root) return;
  core.setOutput(Output.Digest, root.digest);
  core.setOutput(Output.MediaType, root.mediaType);
  core.setOutput(Output.Size, String(root.size));
  const several = outcome.results.length > 1;
  core.setOutput(
    Output.Blobs,
    blobsOutput(written.map((r) => ({ operation: 'copy', destination: several ? r.destination : r.destination, description: '', report: r.report })), several),
  );
}



export function summaryMarkdown(outcome: CopyOutcome): string {
  const { root } = outcome;
  const lines: string[] = [];
  if (outcome.destinations.length > 1) lines.push(destinationsHeadline(outcome), '');
  for (const d of outcome.destinations) {
    if (d.status === 'failed' || d.status === 'skipped') {
      lines.push(
        `### ${d.status === 'failed' ? 'Failed' : 'Not attempted'}: ${d.operation} ${code(outcome.source)} → ${code(d.destination)}`,
        '',
        `<pre>${escapeHtml(d.error ?? 'unknown error')}</pre>`,
        '',
      );
      continue;
    }
    if (d.status === 'unchanged' && !d.report.nodes.some((n) => n.action !== 'exists')) {
      lines.push(
        `### Unchanged: ${code(outcome.source)} → ${code(d.destination)}`,
        '',
        `Already there: every destination tag names **${code(root.digest)}** (${escapeHtml(root.mediaType)}, ${formatBytes(root.size)}). Nothing was read but the tags' digests.`,
        '',
      );
      continue;
    }
    const t = d.report.totals();
    const seconds = Math.max(d.report.durationMs, 1) / 1000;
    const verb = outcome.dryRun ? `Dry run of ${d.operation}` : d.operation[0].toUpperCase() + d.operation.slice(1);
    const parts = outcome.dryRun
      ? [`would copy ${t.copied} and mount ${t.mounted} of ${t.nodes} nodes`]
      : [`${formatBytes(t.bytesCopied)} copied`];
    if (!outcome.dryRun && t.mounted) {
      const saved = Math.round((t.bytesMounted / Math.max(1, t.bytesMounted + t.bytesCopied)) * 100);
      parts.push(`${formatBytes(t.bytesMounted)} mounted (${saved}% of the bytes did not move)`);
    }
    if (t.existing) parts.push(`${t.existing} of ${t.nodes} nodes already there`);
    const headline = parts.join(', ');
    lines.push(
      `### ${verb}: ${code(outcome.source)} → ${code(d.destination)}`,
      '',
      `${headline[0].toUpperCase()}${headline.slice(1)}, in ${formatDuration(d.report.durationMs)}.`,
      '',
      `**Digest** ${code(root.digest)} (${escapeHtml(root.mediaType)}, ${formatBytes(root.size)})${d.report.tags.length ? `, ${outcome.dryRun ? 'to be tagged' : 'tagged'} ${d.report.tags.map(code).join(', ')}` : ''}`,
      '',
      '| | nodes | bytes |',
      '|---|---:|---:|',
      `| ${outcome.dryRun ? 'to copy' : 'copied'} | ${t.copied} | ${formatBytes(t.bytesCopied)} |`,
      `| ${outcome.dryRun ? 'to mount' : 'mounted (saved)'} | ${t.mounted} | ${formatBytes(t.bytesMounted)} |`,
      `| already there | ${t.existing} | ${formatBytes(t.bytesExisting)} |`,
      ...(outcome.dryRun ? [] : [`| throughput | | ${formatBytes(t.bytesCopied / seconds)}/s |`]),
      '',
    );
    const table = [
      '| action | media type | digest | size |',
      '|---|---|---|---:|',
      ...d.report.nodes.map((n) => `| ${n.action}${n.from ? ` from ${code(n.from)}` : ''} | ${escapeHtml(n.mediaType)} | ${code(n.digest.slice(0, 19) + '…')} | ${formatBytes(n.size)} |`),
    ].join('\n');
    if (d.report.nodes.length > FOLD_ROWS) {
      lines.push(`<details><summary>Every node (${d.report.nodes.length})</summary>`, '', table, '', '</details>', '');
    } else {
      lines.push(table, '');
    }
  }
  if (outcome.cacheNote) lines.push(`<sub>${escapeHtml(outcome.cacheNote)}</sub>`, '');
  return lines.join('\n');
}

/** `3 destinations, all sha256:…` (with how many failed, when some did). */
function destinationsHeadline(outcome: CopyOutcome): string {
  const n = outcome.destinations.length;
  const failed = outcome.destinations.filter((d) => d.status === 'failed').length;
  const skipped = outcome.destinations.filter((d) => d.status === 'skipped').length;
  const ok = n - failed - skipped;
  const digest = outcome.root.digest === 'unknown' ? '' : code(outcome.root.digest);
  if (!failed && !skipped) return `**${n} destinations${outcome.dryRun ? ' would get' : ', all'}** ${digest}`;
  const parts = [`**${ok} of ${n} destinations ${outcome.dryRun ? 'would get' : 'got'}** ${digest}`.trim()];
  if (failed) parts.push(`${failed} failed`);
  if (skipped) parts.push(`${skipped} not attempted`);
  return parts.join(', ');
}

/** The job summary; a runner without GITHUB_STEP_SUMMARY (a local run) gets a notice, not a failure. */
export async function writeSummary(outcome: StepOutcome): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.info('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  const markdown = outcome.mode === 'sync' ? syncSummaryMarkdown(outcome) : copySummary(outcome);
  await core.summary.addRaw(markdown).write();
}

function copySummary(outcome: StepOutcome): string {
  const copy = copyOutcome(outcome);
  const limits = rateLimitLine(outcome.rateLimits);
  return `${copy ? summaryMarkdown(copy) : ''}${limits ? `\n${limits}\n` : ''}`;
}


