import { FileBlobInfoCache } from '../blob-cache/file-cache.js';
import type { CopyOptions } from '../copy/options.js';
import { parseSyncEntries, type SyncEntry } from '../plan/entries.js';
import type { PlanItem, Shard } from '../plan/plan.js';
import type { OpenTargetOptions } from '../targets/open-target.js';
import type { AfterTagStage, ImageCheck } from '../job/checks/check.js';
import { loadTrustRoots } from '../signatures/policy.js';
import { loadSignatureStages } from '../job/checks/signature-gates/load.js';
import { SIGN_STAGE, SIGNATURE_POLICY_CHECK, VERIFICATION_SUMMARY_STAGE } from '../job/checks/signature-gates/names.js';
import type { JobOutcome } from '../job/outcome/outcome.js';
import { runJob } from '../job/run-job.js';
import type { IntegritySettings, JobReporter, LockSettings } from '../job/settings.js';

export interface SyncOptions {
  /** Defaults for every entry; `concurrency` is the number of blob transfers in flight across the sync. */
  copy?: Pick<CopyOptions, 'concurrency' | 'mount' | 'blobCache' | 'platform' | 'referrers' | 'dryRun' | 'noClobber' | 'signal'>;
  /** How the sources and destinations are opened: credentials, plain HTTP, trust. */
  source?: OpenTargetOptions;
  destination?: OpenTargetOptions;
  /** Take only this share of the expanded list. */
  shard?: Shard;
  /** Images walked at once (default: `copy.concurrency`, else 8). */
  parallel?: number;
  failFast?: boolean;
  /** Checks that may refuse an image before any byte moves, and stages after tagging. */
  checks?: ImageCheck[];
  afterTag?: AfterTagStage[];
  /** Start no copy from a registry whose pull limit would fall below this (`min-pulls-left`); what is left is `deferred`. */
  minPullsLeft?: number;
  /** At most this many requests a second to each registry host. */
  requestsPerSecond?: number;
  /**
   * A lock file: after the sync, every (source, destination, digest) it left in place, written to
   * `path`; with `locked`, read instead, and every image copies exactly the digest it names (see
   * `JobSettings.lock`). What became of it is the result's `lock`.
   */
  lock?: LockSettings;
  /** `check` (write nothing; report what each destination lacks, fail on any problem) or `repair` (put it back); `deep` hashes every blob. */
  integrity?: IntegritySettings;
  /** Told the plan once the list is expanded (every item, and this shard's); may return a reporter for the run. */
  onPlan?: (all: PlanItem[], mine: PlanItem[]) => JobReporter | undefined;
}

/** What a sync did: `results` (one per image, with its status, digest or error) and the rest of the job's outcome. */
export type SyncResult = JobOutcome;

/**
 * Mirrors many images: `list` (sync-list YAML, or entries already parsed) is expanded into one
 * item per (source tag, destination), this shard's share is taken, and the items run HEAD first,
 * several at a time, over one set of connections per registry. A failed image never stops the
 * others unless `failFast`; every item gets a result.
 */
export async function sync(list: string | SyncEntry[], options: SyncOptions = {}): Promise<SyncResult> {
  const entries = typeof list === 'string' ? parseSyncEntries(list, 'the sync list') : list;
  const copy = options.copy ?? {};
  const { checks, afterTag } = await entryStages(entries, options);
  let reporter: JobReporter | undefined;
  const blobCache = copy.blobCache;
  return runJob(
    {
      work: { kind: 'sync', entries, ...(options.shard ? { shard: options.shard } : {}) },
      image: { ...(copy.platform ? { platform: copy.platform } : {}), referrers: copy.referrers, noClobber: copy.noClobber },
      dryRun: copy.dryRun,
      concurrency: copy.concurrency,
      ...(options.parallel ? { parallel: options.parallel } : {}),
      mount: copy.mount,
      failFast: options.failFast,
      ...(options.source ? { source: options.source } : {}),
      ...(options.destination ? { destination: options.destination } : {}),
      ...(checks.length ? { checks } : {}),
      ...(afterTag.length ? { afterTag } : {}),
      ...(copy.signal ? { signal: copy.signal } : {}),
      ...(options.minPullsLeft !== undefined ? { minPullsLeft: options.minPullsLeft } : {}),
      ...(options.requestsPerSecond !== undefined ? { requestsPerSecond: options.requestsPerSecond } : {}),
      ...(options.lock ? { lock: options.lock } : {}),
      ...(options.integrity ? { integrity: options.integrity } : {}),
    },
    {
      reporter: {
        planned: (plan) => void (reporter = options.onPlan?.(plan.all, plan.items)),
        itemStarted: (start) => reporter?.itemStarted?.(start),
        itemDone: (outcome) => reporter?.itemDone?.(outcome),
        pruned: (outcome, dryRun) => reporter?.pruned?.(outcome, dryRun),
        budgetStopped: (line) => reporter?.budgetStopped?.(line),
        lockNote: (line) => reporter?.lockNote?.(line),
      },
      // A file cache also keeps what a pull budget left, for the next run to take first.
      ...(blobCache
        ? {
            cacheStore: {
              restore: async () => blobCache,
              save: async () => {},
              pending: () => (blobCache instanceof FileBlobInfoCache ? blobCache : undefined),
            },
          }
        : {}),
    },
  );
}

/**
 * The caller's checks and stages, and what the entries ask for besides: an entry's own policy
 * (`verify-*`), signing (`sign*`) or verification summary (`attest-verification`) is honoured even when the caller gave no check or stage for it
 * (keyless signing then needs a stage with an identity token). As in the action and the command
 * line, every entry's trust root is read in full and every key file decrypted now, so a damaged
 * root or a wrong password stops the sync before any image is copied.
 */
async function entryStages(
  entries: readonly SyncEntry[],
  options: SyncOptions,
): Promise<{ checks: ImageCheck[]; afterTag: AfterTagStage[] }> {
  const checks = [...(options.checks ?? [])];
  const afterTag = [...(options.afterTag ?? [])];
  const needCheck = entries.some((e) => e.verify) && !checks.some((c) => c.name === SIGNATURE_POLICY_CHECK);
  const needSign = entries.some((e) => e.sign) && !afterTag.some((s) => s.name === SIGN_STAGE);
  const needSummary = entries.some((e) => e.attestVerification) && !afterTag.some((s) => s.name === VERIFICATION_SUMMARY_STAGE);
  if (!needCheck && !needSign && !needSummary) {
    await loadTrustRoots(entries.map((e) => e.verify));
    return { checks, afterTag };
  }
  const own = await loadSignatureStages({}, { entries });
  if (needCheck) checks.push(...own.checks);
  for (const stage of own.afterTag)
    if ((stage.name === SIGN_STAGE && needSign) || (stage.name === VERIFICATION_SUMMARY_STAGE && needSummary)) afterTag.push(stage);
  return { checks, afterTag };
}
