import { parseDigest } from '../oci/digest.js';
import { COSIGN_SIGN_PREDICATE, IN_TOTO_STATEMENT_V01, IN_TOTO_STATEMENT_V1 } from './constants.js';

/** An in-toto statement: what a DSSE-signed bundle or cosign `.att` layer says, and about what. */
export interface Statement {
  predicateType: string;
  subjects: Array<{ name?: string; digest: Record<string, string> }>;
  /** The predicate as it is, unread. */
  predicate?: unknown;
}

/** The statement in a DSSE payload, or a phrase saying why it is not one. */
export function parseStatement(payload: Buffer): Statement | string {
  let doc: { _type?: unknown; subject?: unknown; predicateType?: unknown; predicate?: unknown };
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'its payload is not JSON';
  }
  if (!doc || typeof doc !== 'object') return 'its payload is not an in-toto statement';
  if (doc._type !== IN_TOTO_STATEMENT_V1 && doc._type !== IN_TOTO_STATEMENT_V01) return 'its payload is not an in-toto statement';
  if (typeof doc.predicateType !== 'string' || !doc.predicateType) return 'its statement has no predicateType';
  if (!Array.isArray(doc.subject)) return 'its statement has no subject';
  const subjects: Statement['subjects'] = [];
  for (const s of doc.subject as Array<{ name?: unknown; digest?: unknown }>) {
    if (!s || typeof s !== 'object' || !s.digest || typeof s.digest !== 'object') continue;
    const digest: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.digest as Record<string, unknown>)) if (typeof v === 'string') digest[k] = v;
    subjects.push({ ...(typeof s.name === 'string' ? { name: s.name } : {}), digest });
  }
  return { predicateType: doc.predicateType, subjects, ...(doc.predicate !== undefined ? { predicate: doc.predicate } : {}) };
}

/** Whether the statement is about `digest` (`sha256:<hex>`): one subject carries that very hash. */
export function statementNames(statement: Statement, digest: string): boolean {
  const { algorithm, hex } = parseDigest(digest);
  return statement.subjects.some((s) => s.digest[algorithm]?.toLowerCase() === hex);
}

/** The digests a statement names, for saying what it was about instead: `sha256:…`. */
export function statementDigests(statement: Statement): string[] {
  return statement.subjects.flatMap((s) => Object.entries(s.digest).map(([alg, hex]) => `${alg}:${hex}`));
}

/**
 * The statement cosign v3 signs to sign an image (cmd/cosign/cli/sign/sign.go, signDigestBundle):
 * in-toto v1, one subject with the digest only, predicate type `https://sigstore.dev/cosign/sign/v1`,
 * an empty predicate.
 */
export function signStatement(digest: string): Buffer {
  const { algorithm, hex } = parseDigest(digest);
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT_V1,
      subject: [{ digest: { [algorithm]: hex } }],
      predicateType: COSIGN_SIGN_PREDICATE,
      predicate: {},
    }),
  );
}
