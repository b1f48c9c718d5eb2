import { createHash } from 'node:crypto';
import { parseDigest } from '../oci/digest.js';
import { printable } from '../oci/text.js';
import { IN_TOTO_STATEMENT_V1, VSA_PREDICATE } from './constants.js';
import type { VerifyPolicy } from './policy.js';
import type { FoundSignature } from './record.js';

/**
 * SLSA's verification summary (https://slsa.dev/spec/v1.0/verification_summary): an in-toto
 * statement about a digest, with predicate type `https://slsa.dev/verification_summary/v1`, saying
 * who verified it, when, against which policy, from which attestations, and that it passed. The
 * next hop can require one (`verify-attestation-type: vsa`) instead of verifying the whole chain again.
 */

/** The verifier's URI when no workflow identity names it (signed with a key). */
export const OCI_COPY_URI = 'https://github.com/oci-copy/oci-copy';

/** An in-toto ResourceDescriptor: a URI or a name, with digests. */
export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest?: Record<string, string>;
  mediaType?: string;
  /** Base64 of the resource's bytes, when it is small enough to carry. */
  content?: string;
  annotations?: Record<string, string>;
}

/** The predicate oci-copy writes. */
export interface VerificationSummary {
  verifier: { id: string; version: Record<string, string> };
  timeVerified: string;
  resourceUri: string;
  policy: ResourceDescriptor;
  inputAttestations: ResourceDescriptor[];
  verificationResult: 'PASSED' | 'FAILED';
  verifiedLevels: string[];
  slsaVersion: '1.0';
}

/**
 * The policy as the summary names it: its requirements as canonical JSON (who must have signed,
 * the predicate types, the platforms, the trust root by name and, for a file, its digest), carried
 * as `content`, with that JSON's SHA-256 as its digest and the policy in words as its name. Two runs
 * of the same policy give the same digest; a summary already there for it is not written again.
 */
export function policyDescriptor(policy: VerifyPolicy): ResourceDescriptor {
  const signer =
    policy.signer.kind === 'key'
      ? { key: policy.signer.fingerprint }
      : {
          ...(policy.signer.identity !== undefined
            ? { identity: policy.signer.identity }
            : { identityRegexp: policy.signer.identityPattern }),
          issuer: policy.signer.issuer,
        };
  const body = {
    signer,
    attestationTypes: [...policy.attestationTypes].sort(),
    platforms: policy.platforms,
    trustRoot: { name: policy.trustRootName, ...(policy.trustRootDigest ? { digest: policy.trustRootDigest } : {}) },
  };
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    name: `${policy.description} (trust root ${policy.trustRootName})`,
    digest: { sha256: createHash('sha256').update(bytes).digest('hex') },
    mediaType: 'application/json',
    content: bytes.toString('base64'),
  };
}

/**
 * What satisfied the policy: the accepted attestations of the required predicate types, or, when
 * the policy requires none, the accepted signatures. Each is named where it was found, by the
 * digest of its referrer manifest (a bundle) or its layer (cosign's legacy form).
 */
export function inputAttestations(found: readonly FoundSignature[], policy: Pick<VerifyPolicy, 'attestationTypes'>): ResourceDescriptor[] {
  const satisfied = found.filter((f) =>
    policy.attestationTypes.length
      ? f.accepted && f.kind === 'attestation' && f.predicateType !== undefined && policy.attestationTypes.includes(f.predicateType)
      : f.accepted && f.kind === 'signature',
  );
  return satisfied.flatMap((f) => {
    if (!f.digest) return [];
    const { algorithm, hex } = parseDigest(f.digest);
    return [
      {
        name: `${f.kind} (${f.form}) ${printable(f.where)}`,
        digest: { [algorithm]: hex },
        ...(f.predicateType ? { annotations: { predicateType: f.predicateType } } : {}),
      },
    ];
  });
}

/**
 * The SLSA levels verified: with build provenance required and verified, `SLSA_BUILD_LEVEL_2` when
 * it is signed keyless (a Fulcio certificate names the build's workload identity, vouched for by an
 * OIDC issuer: authentic provenance from a hosted build) and `SLSA_BUILD_LEVEL_1` when signed with a
 * key (provenance exists and is authentic to the key, the builder unknown); never level 3, which
 * asks of the build platform what no signature shows. Without provenance required, no build level
 * is verified: `SLSA_BUILD_LEVEL_0`.
 */
export function verifiedLevels(policy: Pick<VerifyPolicy, 'attestationTypes' | 'signer'>, predicateTypes: readonly string[]): string[] {
  const provenance = policy.attestationTypes.filter((t) => t.startsWith('https://slsa.dev/provenance/'));
  if (!provenance.length || !provenance.every((t) => predicateTypes.includes(t))) return ['SLSA_BUILD_LEVEL_0'];
  return [policy.signer.kind === 'identity' ? 'SLSA_BUILD_LEVEL_2' : 'SLSA_BUILD_LEVEL_1'];
}

export interface SummaryStatementInput {
  /** The digest verified and summarised: the statement's one subject. */
  digest: string;
  /** The repository it is in (`ghcr.io/acme/app`): the subject's name. */
  name: string;
  summary: VerificationSummary;
}

/** The in-toto v1 statement of a verification summary, as the bytes that are signed. */
export function summaryStatement(input: SummaryStatementInput): Buffer {
  const { algorithm, hex } = parseDigest(input.digest);
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT_V1,
      subject: [{ name: input.name, digest: { [algorithm]: hex } }],
      predicateType: VSA_PREDICATE,
      predicate: input.summary,
    }),
  );
}

/** The digest (`sha256:…`) of the policy a summary names, and its result; undefined when the predicate is not a summary. */
export function readSummary(predicate: unknown): { policyDigest?: string; result?: string } | undefined {
  if (!predicate || typeof predicate !== 'object') return undefined;
  const p = predicate as { policy?: { digest?: Record<string, unknown> }; verificationResult?: unknown };
  const sha = p.policy?.digest?.sha256;
  return {
    ...(typeof sha === 'string' ? { policyDigest: `sha256:${sha}` } : {}),
    ...(typeof p.verificationResult === 'string' ? { result: p.verificationResult } : {}),
  };
}

/**
 * Why a verification summary cannot vouch for the digest, as a phrase, or undefined when it can:
 * its `verificationResult` must be `PASSED`, as SLSA's verifiers require before trusting one.
 */
export function summaryProblem(predicate: unknown): string | undefined {
  const read = readSummary(predicate);
  if (!read) return 'its verification summary has no predicate';
  if (read.result !== 'PASSED')
    return `its verification summary says ${read.result === undefined ? 'no verificationResult' : printable(read.result, 40)}, not PASSED`;
  return undefined;
}
