import * as core from '@actions/core';
import type { CopyEvent } from '../copy/events.js';
import { eventLine } from '../copy/log-lines.js';
import { CopyReport, formatBytes, formatDuration } from '../copy/report.js';
import type { Descriptor } from '../oci/descriptor.js';
import { Output } from '../inputs/names.js';
import { log } from './log.js';

/** How often a long transfer prints a progress line: workflow logs are not a terminal. */
const PROGRESS_EVERY_MS = 5000;
/** Tables longer than this fold into <details> in the job summary. */
const FOLD_ROWS = 20;

/** Log lines for each event, and a progress line every few seconds for a blob that takes long. */
export function logEvents(now: () => number = Date.now): (event: CopyEvent) => void {
  const started = new Map<string, { at: number; last: number }>();
  return (event) => {
    if (event.type === 'progress') {
      const s = started.get(event.node.digest);
      const t = now();
      if (s && t - s.last >= PROGRESS_EVERY_MS) {
        s.last = t;
        const pct = event.node.size ? Math.floor((event.bytes / event.node.size) * 100) : 100;
        const rate = event.bytes / Math.max(1, (t - s.at) / 1000);
        log.info(`  ${event.node.digest.slice(7, 19)} ${formatBytes(event.bytes)} / ${formatBytes(event.node.size)} (${pct}%) ${formatBytes(rate)}/s`);
      }
      return;
    }
    if (event.type === 'started') started.set(event.node.digest, { at: now(), last: now() });
    if (event.type === 'done') started.delete(event.node.digest);
    const line = eventLine(event);
    if (line) log.info(line);
  };
}

/** What one destination received. */
export interface DestinationOutcome {
  operation: string;
  /** the reference as the user wrote it */
  destination: string;
  /** the target's own name: `[registry] host/repo` */
  description: string;
  report: CopyReport;
}

export interface CopyOutcome {
  source: string;
  root: Descriptor;
  destinations: DestinationOutcome[];
  dryRun: boolean;
  /** what happened to the blob-info cache, for the summary's footnote */
  cacheNote?: string;
}

/**
 * The `blobs` output: one object per node of the copied graph. With several destinations, one per
 * node and destination, each naming its destination.
 */
export function blobsOutput(destinations: DestinationOutcome[]): string {
  const several = destinations.length > 1;
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

export function writeOutputs(outcome: CopyOutcome): void {
  core.setOutput(Output.Digest, outcome.root.digest);
  core.setOutput(Output.MediaType, outcome.root.mediaType);
  core.setOutput(Output.Size, String(outcome.root.size));
  core.setOutput(Output.Blobs, blobsOutput(outcome.destinations));
}

/** Escapes text that came from outside (references, repository names) for the summary's HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`|]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

export function summaryMarkdown(outcome: CopyOutcome): string {
  const { root } = outcome;
  const lines: string[] = [];
  for (const d of outcome.destinations) {
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

/** The job summary; a runner without GITHUB_STEP_SUMMARY (a local run) gets a notice, not a failure. */
export async function writeSummary(outcome: CopyOutcome): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.info('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  await core.summary.addRaw(summaryMarkdown(outcome)).write();
}
