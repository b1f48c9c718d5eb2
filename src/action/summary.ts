import * as core from '@actions/core';
import type { JobOutcome } from '../job/outcome/outcome.js';
import { copySummaryMarkdown } from './copy-summary.js';
import { log } from './log.js';
import { syncSummaryMarkdown } from './sync-summary.js';

/** The job summary's markdown: a section per destination of one image, or a sync's totals and table. */
export function summaryMarkdown(outcome: JobOutcome): string {
  return outcome.mode === 'sync' ? syncSummaryMarkdown(outcome) : copySummaryMarkdown(outcome);
}

/** The job summary; a runner without GITHUB_STEP_SUMMARY (a local run) gets a notice, not a failure. */
export async function writeSummary(outcome: JobOutcome): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.info('GITHUB_STEP_SUMMARY is not set: no job summary written');
    return;
  }
  await core.summary.addRaw(summaryMarkdown(outcome)).write();
}
