import * as core from '@actions/core';
import type { CopyEvent } from '../copy/events.js';
import { eventLine } from '../copy/log-lines.js';
import { CopyReport, formatBytes, formatDuration, type NodeRecord } from '../copy/report.js';
import type { Descriptor } from '../oci/descriptor.js';
import { Output } from './names.js';

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
        core.info(`  ${event.node.digest.slice(7, 19)} ${formatBytes(event.bytes)} / ${formatBytes(event.node.size)} (${pct}%) ${formatBytes(rate)}/s`);
      }
      return;
    }
    if (event.type === 'started') started.set(event.node.digest, { at: now(), last: now() });
    if (event.type === 'done') started.delete(event.node.digest);
    const line = eventLine(event);
    if (line) core.info(line);
  };
}

export interface CopyOutcome {
  operation: string;
  source: string;
  destination: string;
  root: Descriptor;
  report: CopyReport;
  dryRun: boolean;
  /** what happened to the blob-info cache, for the summary's footnote */
  cacheNote?: string;
}

/** The `blobs` output: one object per node of the copied graph. */
export function blobsOutput(nodes: NodeRecord[]): string {
  return JSON.stringify(nodes.map((n) => ({ digest: n.digest, mediaType: n.mediaType, size: n.size, action: n.action, ...(n.from ? { from: n.from } : {}) })));
}

export function writeOutputs(outcome: CopyOutcome): void {
  core.setOutput(Output.Digest, outcome.root.digest);
  core.setOutput(Output.MediaType, outcome.root.mediaType);
  core.setOutput(Output.Size, String(outcome.root.size));
  core.setOutput(Output.Blobs, blobsOutput(outcome.report.nodes));
}

/** Escapes text that came from outside (references, repository names) for the summary's HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`|]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function summaryMarkdown(outcome: CopyOutcome): string {
  const { report, root } = outcome;
  const t = report.totals();
  const seconds = Math.max(report.durationMs, 1) / 1000;
  const verb = outcome.dryRun ? 'Dry run' : outcome.operation[0].toUpperCase() + outcome.operation.slice(1);
  const lines = [
    `### ${verb}: <code>${escapeHtml(outcome.source)}</code> → <code>${escapeHtml(outcome.destination)}</code>`,
    '',
    `**Digest** <code>${root.digest}</code> (${escapeHtml(root.mediaType)}, ${formatBytes(root.size)})`,
    '',
    '| | nodes | bytes |',
    '|---|---:|---:|',
    `| ${outcome.dryRun ? 'to copy' : 'copied'} | ${t.copied} | ${formatBytes(t.bytesCopied)} |`,
    `| ${outcome.dryRun ? 'to mount' : 'mounted (not moved)'} | ${t.mounted} | ${formatBytes(t.bytesMounted)} |`,
    `| already there | ${t.existing} | ${formatBytes(t.bytesExisting)} |`,
    '',
    `Time ${formatDuration(report.durationMs)}, ${formatBytes(t.bytesCopied / seconds)}/s moved${report.tags.length ? `; tagged ${report.tags.map((r) => `<code>${escapeHtml(r)}</code>`).join(', ')}` : ''}.`,
    '',
  ];
  const table = [
    '| action | media type | digest | size |',
    '|---|---|---|---:|',
    ...report.nodes.map((n) => `| ${n.action}${n.from ? ` from <code>${escapeHtml(n.from)}</code>` : ''} | ${escapeHtml(n.mediaType)} | <code>${n.digest.slice(0, 19)}…</code> | ${formatBytes(n.size)} |`),
  ].join('\n');
  if (report.nodes.length > FOLD_ROWS) {
    lines.push(`<details><summary>Every node (${report.nodes.length})</summary>`, '', table, '', '</details>');
  } else {
    lines.push(table);
  }
  if (outcome.cacheNote) lines.push('', `<sub>${escapeHtml(outcome.cacheNote)}</sub>`);
  return lines.join('\n') + '\n';
}

/** The job summary; a runner without GITHUB_STEP_SUMMARY (a local run) gets a notice, not a failure. */
export async function writeSummary(outcome: CopyOutcome): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  await core.summary.addRaw(summaryMarkdown(outcome)).write();
}
