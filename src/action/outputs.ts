import * as core from '@actions/core';
import { Output } from '../settings/names.js';
import type { JobOutcome } from '../job/outcome/outcome.js';
import { blobRecords, imageRecords, integrityRecords, pruneRecords, writtenResults } from '../job/render/records.js';
import { verificationRecords } from '../job/render/verification.js';

/**
 * Every output, in one place, from the job's outcome. `images` always; `pruned` when an entry
 * prunes; `check` when the step checked or repaired its destinations; `pull-budget` when the budget
 * left images for the next run; `lock-file` when the lock was written; for the one-image step
 * also the root (`digest`, `media-type`, `size`) and `blobs`, over every destination written.
 */
export function writeOutputs(outcome: JobOutcome, checked = false): void {
  core.setOutput(Output.Images, JSON.stringify(imageRecords(outcome)));
  if (checked) core.setOutput(Output.Check, JSON.stringify(integrityRecords(outcome)));
  core.setOutput(Output.Verification, JSON.stringify(verificationRecords(outcome)));
  if (outcome.pruned) core.setOutput(Output.Pruned, JSON.stringify(pruneRecords(outcome)));
  if (outcome.pullBudget) core.setOutput(Output.PullBudget, outcome.pullBudget);
  if (outcome.lock?.state === 'written') core.setOutput(Output.LockFile, outcome.lock.path);
  if (outcome.mode !== 'copy') return;
  const written = writtenResults(outcome);
  const root = written[0]?.root;
  if (!root) return;
  core.setOutput(Output.Digest, root.digest);
  core.setOutput(Output.MediaType, root.mediaType);
  core.setOutput(Output.Size, String(root.size));
  core.setOutput(Output.Blobs, JSON.stringify(blobRecords(written, outcome.results.length > 1)));
}
