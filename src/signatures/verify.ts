import { readManifest } from '../copy/read-manifest.js';
import type { Descriptor } from '../oci/descriptor.js';
import { isIndex } from '../oci/media-types.js';
import { printable } from '../oci/text.js';
import type { ReadOnlyTarget } from '../targets/target.js';
import { refusalLine } from './describe.js';
import { isUnreadable, SignatureDiscovery, type Candidate } from './discovery.js';
import { prepareBundle, prepareLegacy } from './entity.js';
import { SignatureRefusedError } from './errors.js';
import { judgeSignature } from './judge-signature.js';
import { platformManifests, platformName } from './platforms.js';
import type { VerifyPolicy } from './policy.js';
import type { FoundSignature, VerificationRecord } from './record.js';
import type { TrustRoot } from './trust-root.js';

export interface VerifyOptions {
  signal?: AbortSignal;
  /** Shared across the digests of one source, so its tag list is read once. */
  discovery?: SignatureDiscovery;
}

/**
 * Verifies that `subject` (the exact root digest about to be copied) carries a signature, or each
 * required attestation, that satisfies `policy`; with `policy.platforms`, every platform manifest
 * of an index too. Returns what was found and who signed; throws `SignatureRefusedError` (one line:
 * what was found, what was required) when the policy is not met. Nothing is written anywhere, and
 * no network but the source's is used: proofs are checked offline from what is attached.
 */
export async function verifyImage(
  src: ReadOnlyTarget,
  subject: Descriptor,
  policy: VerifyPolicy,
  opts: VerifyOptions = {},
): Promise<VerificationRecord> {
  const root = await policy.trustRoot();
  const discovery = opts.discovery ?? new SignatureDiscovery(src);
  const record = await verifyDigest(src, subject, policy, root, discovery, opts.signal, '');
  if (!policy.platforms || !isIndex(subject.mediaType)) return record;
  const platforms: VerificationRecord[] = [];
  for (const child of await platformManifests(src, subject, opts.signal))
    platforms.push(await verifyDigest(src, child, policy, root, discovery, opts.signal, ` (${platformName(child)} of ${subject.digest})`));
  return { ...record, platforms };
}

async function verifyDigest(
  src: ReadOnlyTarget,
  subject: Descriptor,
  policy: VerifyPolicy,
  root: TrustRoot,
  discovery: SignatureDiscovery,
  signal: AbortSignal | undefined,
  context: string,
): Promise<VerificationRecord> {
  const candidates = await discovery.find(subject, signal);
  let manifest: Promise<Buffer> | undefined;
  const manifestBytes = () => (manifest ??= src.fetch(subject, signal).then((s) => readManifest(s, subject)));
  const found: FoundSignature[] = [];
  for (const c of candidates) found.push(await check(c, subject, policy, root, manifestBytes));

  const accepted = found.filter((f) => f.accepted);
  const refuse = (missing: string, relevant: FoundSignature[]) => {
    throw new SignatureRefusedError(
      refusalLine(subject.digest, missing, relevant, policy, context),
      subject.digest,
      found,
      policy.description,
    );
  };
  if (policy.attestationTypes.length) {
    for (const type of policy.attestationTypes) {
      if (!accepted.some((f) => f.kind === 'attestation' && f.predicateType === type)) {
        // The attestations of that type come first in the line: they are what the reader looks for.
        const rank = (f: FoundSignature) => (f.predicateType === type ? 2 : f.kind === 'attestation' ? 1 : 0);
        refuse(
          `attestation of type ${printable(type)}`,
          [...found].sort((a, b) => rank(b) - rank(a)),
        );
      }
    }
  } else if (!accepted.some((f) => f.kind === 'signature')) {
    refuse('signature', found);
  }
  const first = accepted.find((f) => (policy.attestationTypes.length ? f.kind === 'attestation' : f.kind === 'signature')) ?? accepted[0];
  const withLog = accepted.find((f) => f.tlogIndex !== undefined);
  return {
    digest: subject.digest,
    verified: true,
    policy: policy.description,
    trustRoot: root.name,
    found,
    ...(first.signer ? { signer: first.signer } : {}),
    predicateTypes: [...new Set(accepted.filter((f) => f.kind === 'attestation' && f.predicateType).map((f) => f.predicateType!))],
    ...(withLog ? { tlogIndex: withLog.tlogIndex } : {}),
  };
}

async function check(
  c: Candidate,
  subject: Descriptor,
  policy: VerifyPolicy,
  root: TrustRoot,
  manifestBytes: () => Promise<Buffer>,
): Promise<FoundSignature> {
  if (isUnreadable(c)) return { form: c.form, kind: c.kind, where: c.where, valid: false, accepted: false, problem: c.problem };
  const prepared = c.form === 'bundle' ? await prepareBundle(c, subject, manifestBytes) : prepareLegacy(c, subject);
  if ('problem' in prepared) {
    return {
      form: prepared.form,
      kind: prepared.kind,
      where: prepared.where,
      ...(prepared.digest ? { digest: prepared.digest } : {}),
      ...(prepared.predicateType ? { predicateType: prepared.predicateType } : {}),
      valid: false,
      accepted: false,
      problem: prepared.problem,
    };
  }
  return judgeSignature(prepared, policy, root);
}
