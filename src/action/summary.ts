import * as core from '@actions/core';
import type { JobOutcome } from '../job/outcome/outcome.js';
import { copySummaryMarkdown } from './copy-summary.js';
import { log } from './log.js';
import { escapeHtml } from './markdown.js';
import { syncSummaryMarkdown } from './sync-summary.js';

/** The job summary's markdown: a section per destination of one image, or a sync's totals and table. */
export function summaryMarkdown(outcome: JobOutcome): string {
  return outcome.mode === 'sync' ? syncSummaryMarkdown(outcome) : copySummaryMarkdown(outcome);
}

/**
 * The job summary; a runner without GITHUB_STEP_SUMMARY (a local run) gets a notice, not a failure.
 * `said`: lines about the step's inputs (an input not used), on top, as the log warned them.
 */
export async function writeSummary(outcome: JobOutcome, said: readonly string[] = []): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.info('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  const top = said.map((line) => `> ⚠️ ${escapeHtml(line)}\n\n`).join('');
  await core.summary.addRaw(`${top}${summaryMarkdown(outcome)}`).write();
}
