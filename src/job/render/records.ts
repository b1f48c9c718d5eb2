import type { ItemOutcome, JobOutcome } from '../outcome/outcome.js';
import { jsonParts } from './checks.js';

/**
 * One record per item, as the action's `images` output and `oci-copy sync --json` give them: both
 * references in full, the digest, the status (and error), and what the summary says besides: the
 * tags and any that moved, the platforms, the referrers, warnings, what the checks give (a
 * `verification`), the check that refused it.
 */
export function imageRecords(outcome: JobOutcome): Array<Record<string, unknown>> {
  return outcome.results.map((r) => {
    const moved = r.tags.filter((t) => t.change === 'moved').map((t) => ({ tag: t.tag, from: t.previous }));
    return {
      source: r.source,
      destination: r.destination,
      ...inPlace(r),
      ...(r.root ? { digest: r.root.digest } : {}),
      status: r.status,
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.refusedBy ? { refusedBy: r.refusedBy } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.root ? { tags: r.tags.map((t) => t.tag) } : {}),
      ...(moved.length ? { moved } : {}),
      ...(r.platforms.length ? { platforms: r.platforms.map((p) => p.platform) } : {}),
      ...(r.referrers ? { referrers: { found: r.referrers.found, copied: r.referrers.copied, there: r.referrers.there } } : {}),
      ...(r.warnings.length ? { warnings: r.warnings } : {}),
      ...(r.totals.bytesResent ? { resent: r.totals.bytesResent } : {}),
      ...jsonParts(r),
      ...ownTime(r),
    };
  });
}

/** `{operation: 'verify'}` for an image acted on in place (its status is `unchanged`: nothing was copied), else nothing. */
function inPlace(r: ItemOutcome): { operation?: string } {
  return r.item.inPlace ? { operation: r.item.inPlace } : {};
}

/** `{durationMs}`: the item's own time, for an item that ran (not one skipped, deferred or unchanged by its immutable tag). */
function ownTime(r: ItemOutcome): { durationMs?: number } {
  return r.status === 'skipped' || r.status === 'deferred' || r.reason ? {} : { durationMs: r.durationMs };
}

/**
 * One object per node of the copied graph, as the action's `blobs` output and the CLI's `--json`
 * give them. With several destinations, one per node and destination, each naming its destination.
 */
export function blobRecords(results: ItemOutcome[], several = results.length > 1): Array<Record<string, unknown>> {
  return results.flatMap((r) =>
    r.blobs.map((n) => ({
      digest: n.digest,
      mediaType: n.mediaType,
      size: n.size,
      action: n.action,
      ...(n.from ? { from: n.from } : {}),
      ...(n.resent ? { resent: n.resent } : {}),
      ...(several ? { destination: r.destination } : {}),
    })),
  );
}

/** The destinations a one-image job wrote (or found, or would write): what its outputs cover. */
export function writtenResults(outcome: JobOutcome): ItemOutcome[] {
  return outcome.results.filter((r) => r.root);
}

/**
 * A one-image copy's account, as `oci-copy --json` prints it: the root, then for one destination
 * its status, tags (every one checked, moved ones with what they named) and blobs; for several,
 * `destinations` with each one's, and blobs naming their destination. A failed copy says so too.
 */
export function copyAccount(outcome: JobOutcome): Record<string, unknown> {
  const { dryRun, results, root } = outcome;
  const head = root ? { digest: root.digest, mediaType: root.mediaType, size: root.size } : {};
  const each = (r: ItemOutcome) => ({
    ...inPlace(r),
    status: r.status,
    tags: r.tags.map((t) => t.tag),
    ...(r.tags.some((t) => t.change === 'moved')
      ? { moved: r.tags.filter((t) => t.change === 'moved').map((t) => ({ tag: t.tag, from: t.previous })) }
      : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...jsonParts(r),
    ...(r.refusedBy ? { refusedBy: r.refusedBy } : {}),
    ...ownTime(r),
  });
  if (results.length === 1)
    return { ...head, dryRun, destination: results[0].destination, ...each(results[0]), blobs: blobRecords(results) };
  return {
    ...head,
    dryRun,
    destinations: results.map((r) => ({ destination: r.destination, ...each(r) })),
    blobs: blobRecords(
      results.filter((r) => r.status !== 'failed'),
      true,
    ),
  };
}

/** What prune did, one object per pruning entry's destination, as the action's `pruned` output gives it. */
export function pruneRecords(outcome: JobOutcome): Array<Record<string, unknown>> {
  return (outcome.pruned ?? []).map((p) => ({
    entry: p.entry,
    destination: p.destination,
    [outcome.dryRun ? 'wouldRemove' : 'removed']: p.removed,
    protected: p.protected,
    ...(p.kept !== undefined ? { kept: p.kept } : {}),
    ...(p.attachmentsKept.length ? { attachmentsKept: p.attachmentsKept } : {}),
    ...(p.failed.length ? { failed: p.failed } : {}),
    ...(p.stopped ? { stopped: p.stopped } : {}),
  }));
}

/**
 * What the check of each destination found, as the action's `check` output and `oci-copy check
 * --json` give it: `{source, destination, digest, status, problems: [{kind, digest, where, detail}]}`
 * with status intact, drifted, damaged or repaired (and what a repair put back); an image that
 * could not be checked at all (an unreachable registry, a refused request) is `unchecked`, with its
 * error; one a check refused before the walk (a signature policy the destination's digest fails) is `refused`.
 */
export function integrityRecords(outcome: JobOutcome): Array<Record<string, unknown>> {
  return outcome.results.map((r) => {
    const found = r.checks.check;
    if (!found)
      return {
        source: r.source,
        destination: r.destination,
        ...(r.root ? { digest: r.root.digest } : {}),
        status:
          r.status === 'failed'
            ? r.refusedBy
              ? 'refused'
              : 'unchecked'
            : r.status === 'skipped' || r.status === 'deferred'
              ? r.status
              : 'intact',
        problems: [],
        ...(r.error !== undefined ? { error: r.error } : {}),
      };
    return {
      source: found.source,
      destination: found.destination,
      digest: found.digest,
      status: found.status,
      deep: found.deep,
      problems: found.problems,
      ...(found.putBack ? { putBack: found.putBack } : {}),
      ...(found.stillDamaged?.length ? { stillDamaged: found.stillDamaged } : {}),
    };
  });
}
