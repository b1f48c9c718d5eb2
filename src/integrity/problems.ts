import { OciCopyError } from '../oci/errors.js';

/**
 * What can be wrong with an image in a destination, as a check finds it:
 * - `drift`: a tag is missing, or names another digest than the source's (or the lock's);
 * - `missing-manifest`: a manifest of the graph (the root, a child of an index, a referrer) is not there by digest;
 * - `manifest-bytes`: the bytes served for a manifest's digest are not that manifest;
 * - `missing-blob`: a config or layer is not there (HEAD answers 404);
 * - `size`: a blob is there with another size than its manifest lists (a truncated file);
 * - `hash`: a blob of the right size whose bytes hash to another digest (found by `deep` only);
 * - `referrer`: a signature, attestation or SBOM the source lists for a manifest is missing from the
 *   destination's referrers (the referrers API, or the `sha256-<hex>` index);
 * - `attachment-tag`: a cosign attachment tag (`sha256-<hex>.sig`, `.att`, `.sbom`) is missing or names another digest.
 */
export type ProblemKind =
  | 'drift'
  | 'missing-manifest'
  | 'manifest-bytes'
  | 'missing-blob'
  | 'size'
  | 'hash'
  | 'referrer'
  | 'attachment-tag';

/** One thing wrong with an image in a destination: one line (`problemLine`) and one JSON object. */
export interface IntegrityProblem {
  kind: ProblemKind;
  /** The digest at fault: the missing or damaged node's, the referrer's, or for drift the one the tag names (the source's when the tag is missing). */
  digest: string;
  /** The repository (`host/repo`) or layout it was found in. */
  where: string;
  /** What is wrong, naming the node and its place in the graph: `missing blob sha256:… (layer of linux/arm64 manifest sha256:…)`. */
  detail: string;
}

/** `missing blob sha256:… (layer of linux/arm64 manifest sha256:…) in HOST/REPO`. */
export function problemLine(p: IntegrityProblem): string {
  return `${p.detail} in ${p.where}`;
}

/** Kinds whose node is there with the wrong bytes: a push of the same digest is taken as done by most registries until they are deleted. */
export function isDamagedBytes(kind: ProblemKind): boolean {
  return kind === 'size' || kind === 'hash';
}

/** How many lines an error names before it counts the rest. */
const NAMED_PROBLEMS = 3;

/** The item's one error line: the problem itself, or how many and the first few. */
export function problemsLine(problems: readonly IntegrityProblem[]): string {
  if (problems.length === 1) return problemLine(problems[0]);
  const named = problems.slice(0, NAMED_PROBLEMS).map(problemLine).join('; ');
  const more = problems.length > NAMED_PROBLEMS ? `; and ${problems.length - NAMED_PROBLEMS} more` : '';
  return `${problems.length} problems: ${named}${more}`;
}

/** An image whose destination a check found wrong: its message is the image's one error line. */
export class IntegrityError extends OciCopyError {
  override name = 'IntegrityError';
  constructor(
    message: string,
    readonly problems: readonly IntegrityProblem[],
  ) {
    super(message);
  }
}
