import * as core from '@actions/core';
import { blobRecords, CopyReport } from '../copy/report.js';
import type { Descriptor } from '../oci/descriptor.js';
import { formatReference } from '../oci/reference.js';
import type { Operation } from '../inputs/inputs.js';
import { Output } from '../inputs/names.js';
import { itemError, type ItemResult } from '../run/run.js';
import { failureSummary, imageRecords } from '../run/run-log.js';
import type { RateLimitNote } from '../targets/registry/index.js';
import { log } from './log.js';
import { copySummaryMarkdown } from './copy-summary.js';
import { rateLimitLine } from './markdown.js';
import { syncSummaryMarkdown } from './sync-summary.js';

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

/** The step's one failure line, or undefined when nothing failed (see failureSummary). */
export function failureLine(outcome: StepOutcome): string | undefined {
  return failureSummary(outcome.results, outcome.mode === 'copy' ? 'destinations' : 'images');
}

/** The `images` output: one object per (source, destination) with what became of it. */
export function imagesOutput(results: ItemResult[]): string {
  return JSON.stringify(imageRecords(results));
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
export function blobsOutput(destinations: Array<{ destination: string; report: CopyReport }>, several = destinations.length > 1): string {
  return JSON.stringify(blobRecords(destinations, several));
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
    blobsOutput(written, several),
  );
}

/** The one-image step's summary (see copy-summary.ts). */
export function summaryMarkdown(outcome: CopyOutcome): string {
  return copySummaryMarkdown(outcome);
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


