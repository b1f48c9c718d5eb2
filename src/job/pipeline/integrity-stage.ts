import { placeOf, type GraphCheck } from '../../integrity/destination-check.js';
import { IntegrityError, isDamagedBytes, problemsLine, type IntegrityProblem } from '../../integrity/problems.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { CopyError } from '../../oci/errors.js';
import { isManifest } from '../../oci/media-types.js';
import { isBlobDeleter } from '../../targets/target.js';
import { INTEGRITY_CHECK, type ImageIntegrity } from '../checks/integrity/names.js';
import { integrityPresenter } from '../checks/integrity/presenter.js';
import type { PipelineContext } from './context.js';
import type { PreparedItem } from './prepare.js';

/** The destination check's place among an image's records: its name and presenter. */
const CHECK = { name: INTEGRITY_CHECK, presenter: integrityPresenter };

/**
 * The root the destination should hold for an item: the source's (resolved once for the job).
 * The one place that says so: an item that carries its expected digest another way (a lock) is
 * compared with that here.
 */
export function expectedRoot(prepared: PreparedItem): Descriptor {
  return prepared.resolved.root;
}

/** What the stage leaves the copy: nothing more to do (`done`), or a copy that puts back `putBack` (a repair). */
export type IntegrityStep = { done: true } | { done: false; putBack?: ReadonlySet<string>; finish?: () => Promise<void> };

/**
 * The destination check as a stage of the per-image pipeline, run before the copy when the job
 * distrusts its destinations. `check`: drift (tags missing or naming another digest) and the walk
 * of the graph in the destination (and its referrers), recorded; an image with a problem fails
 * with one line, nothing is written. `repair`: an image whose tags already name the expected
 * digest is walked the same; what is missing or damaged is put back by the copy that follows
 * (damaged blobs deleted first where the registry allows), and checked again after it. An image
 * that differs is copied as ever.
 */
export async function integrityStage(prepared: PreparedItem, ctx: PipelineContext): Promise<IntegrityStep> {
  const integrity = ctx.integrity;
  if (!integrity) return { done: false };
  const { record, src, dst } = prepared;
  const root = expectedRoot(prepared);
  const current = record.current ?? new Map<string, string | undefined>();
  const where = placeOf(dst);
  const locked = record.item.locked;
  const against = locked ? `line ${locked.line} of the lock ${locked.file}` : 'the source';
  const drift = driftProblems(record.references ?? [], current, root, where, against);
  if (integrity.mode === 'repair' && record.state !== 'unchanged') return { done: false };
  const checker = integrity.check;
  const base = {
    source: record.source,
    destination: record.destination,
    digest: root.digest,
    deep: checker.deep,
    ...(ctx.dryRun && integrity.mode === 'repair' ? { dryRun: true } : {}),
  };
  // What the tags name is walked; a destination whose tags all name other content holds nothing of this image to walk.
  const holds = [...current.values()].some((d) => d === root.digest);
  let graph: GraphCheck = { problems: [], manifests: [], blobs: 0, faulty: new Map() };
  let referrers = 0;
  if (holds) {
    graph = await checker.walk(dst, root, ctx.signal);
    if (record.options.referrers && record.item.locked && integrity.mode === 'check')
      record.say(
        `Referrers not compared: ${record.destination} is checked against its lock, and the source, which lists them, is not read`,
        'warning',
      );
    else if (record.options.referrers) {
      const found = await checker.referrers(src, dst, graph.manifests, ctx.signal);
      graph.problems.push(...found.problems);
      for (const [digest, desc] of found.faulty) graph.faulty.set(digest, desc);
      referrers = found.checked.length;
    }
  }
  const problems = [...drift, ...graph.problems];
  const checked = { manifests: graph.manifests.length, blobs: graph.blobs, referrers };
  const status: ImageIntegrity['status'] = graph.problems.length ? 'damaged' : drift.length ? 'drifted' : 'intact';
  if (integrity.mode === 'check') {
    record.checks.add(CHECK, { ...base, status, problems, checked } satisfies ImageIntegrity);
    if (problems.length) throw new IntegrityError(problemsLine(problems), problems);
    record.status = 'unchanged';
    return { done: true };
  }
  // A repair of an image its tags name already.
  if (!problems.length) {
    record.checks.add(CHECK, { ...base, status, problems, checked } satisfies ImageIntegrity);
    return { done: false };
  }
  const putBack = [...graph.faulty.values()];
  const putBackList = putBack.map((d) => ({ digest: d.digest, kind: problems.find((p) => p.digest === d.digest)?.kind ?? 'missing-blob' }));
  const damaged = putBack.filter((d) => !isManifest(d.mediaType) && problems.some((p) => p.digest === d.digest && isDamagedBytes(p.kind)));
  if (ctx.dryRun) {
    record.checks.add(CHECK, { ...base, status, problems, checked, putBack: putBackList } satisfies ImageIntegrity);
    record.status = 'copy';
    return { done: true };
  }
  // Damaged bytes go first: a registry takes a push of a digest it stores as done, whatever its bytes.
  const refused: string[] = [];
  for (const blob of damaged) {
    const removal = isBlobDeleter(dst)
      ? await dst.deleteBlob(blob, ctx.signal).catch((err: unknown) => {
          throw err instanceof CopyError ? err : new CopyError('destination', `deleting blob ${blob.digest} from ${dst.description}`, err);
        })
      : 'refused';
    if (removal === 'refused') refused.push(blob.digest);
  }
  const finish = async () => {
    const still = damaged.length ? await checker.recheck(dst, damaged, ctx.signal) : [];
    checker.forget(
      dst,
      putBack.map((d) => d.digest),
    );
    const stillDamaged = [...new Set([...refused, ...still.map((d) => d.digest)])];
    record.checks.add(CHECK, {
      ...base,
      status: stillDamaged.length ? 'damaged' : 'repaired',
      problems,
      checked,
      putBack: putBackList,
      ...(stillDamaged.length ? { stillDamaged } : {}),
    } satisfies ImageIntegrity);
    if (stillDamaged.length) {
      const kept = stillDamaged.filter((d) => !refused.includes(d));
      const them = (n: number) => (n === 1 ? 'it' : 'them');
      const lines = [
        ...(refused.length
          ? [
              `${where} holds damaged bytes for ${refused.join(', ')} and refuses to delete blobs through its API: delete ${them(refused.length)} there (or enable deletes) and run the repair again`,
            ]
          : []),
        ...(kept.length
          ? [
              `${where} still holds damaged bytes for ${kept.join(', ')} after the repair deleted and pushed ${them(kept.length)} again: the registry keeps a digest's bytes once stored; remove them from its storage (CNCF distribution: the blob's data file) and run the repair again`,
            ]
          : []),
      ];
      throw new IntegrityError(
        lines.join('; '),
        problems.filter((p) => stillDamaged.includes(p.digest)),
      );
    }
    record.status = 'repaired';
  };
  return { done: false, putBack: new Set(putBack.map((d) => d.digest)), finish };
}

/** A problem per reference that does not name `root`: a tag missing or naming another digest, a digest reference not stored. */
function driftProblems(
  references: readonly string[],
  current: ReadonlyMap<string, string | undefined>,
  root: Descriptor,
  where: string,
  against: string,
): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  for (const reference of references) {
    const named = current.get(reference);
    if (named === root.digest) continue;
    if (isDigest(reference)) {
      problems.push({ kind: 'drift', digest: root.digest, where, detail: `manifest ${root.digest} not found` });
    } else if (named === undefined) {
      problems.push({ kind: 'drift', digest: root.digest, where, detail: `tag ${reference} missing (${against} names ${root.digest})` });
    } else {
      problems.push({ kind: 'drift', digest: named, where, detail: `tag ${reference} names ${named} (${against} names ${root.digest})` });
    }
  }
  return problems;
}
