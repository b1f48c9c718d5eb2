// The sigstore-conformance bundle vectors (test/fixtures/sigstore-conformance), each run through
// oci-copy's verifier as an image's signature is: the case's artifact stands for the image manifest
// (its sha256 is the subject digest, its bytes what a message signature signs), its bundle for the
// one Sigstore bundle found among the referrers, and its identity and issuer, or key.pub, and
// trusted_root.json (else the public-good root oci-copy ships) for the policy.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleCandidate } from '../../src/signatures/discovery.js';
import { prepareBundle } from '../../src/signatures/entity.js';
import { judgeSignature } from '../../src/signatures/judge-signature.js';
import { parseVerifyPolicy } from '../../src/signatures/policy.js';
import { ACTION_VOICE } from '../../src/settings/voice.js';
import { REPO_ROOT } from './run-action.js';

export const CONFORMANCE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'sigstore-conformance', 'bundle-verify');

/** The defaults the suite's README gives for a case without `identity` or `issuer`. */
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

export interface ConformanceResult {
  name: string;
  /** The case's directory name ends in `_fail`: the bundle must be refused. */
  expectFailure: boolean;
  accepted: boolean;
  /** What oci-copy said of a refused bundle (the problem phrase, or the error of a setting). */
  problem?: string;
  /** The case came out as the suite expects. */
  passed: boolean;
}

export function conformanceCases(): string[] {
  return readdirSync(CONFORMANCE_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export async function runConformanceCase(name: string): Promise<ConformanceResult> {
  const dir = join(CONFORMANCE_DIR, name);
  const optional = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file)) : undefined);
  const expectFailure = name.endsWith('_fail');
  const artifact = optional('artifact') ?? readFileSync(join(CONFORMANCE_DIR, 'a.txt'));
  const key = optional('key.pub')?.toString('utf8');
  const root = existsSync(join(dir, 'trusted_root.json')) ? join(dir, 'trusted_root.json') : undefined;
  const outcome = (accepted: boolean, problem?: string): ConformanceResult => ({
    name,
    expectFailure,
    accepted,
    ...(problem ? { problem } : {}),
    passed: accepted !== expectFailure,
  });
  try {
    const policy = parseVerifyPolicy(
      key
        ? { key, ...(root ? { trustedRoot: root } : {}) }
        : {
            certificateIdentity: optional('identity')?.toString('utf8').trim() ?? DEFAULT_IDENTITY,
            certificateOidcIssuer: optional('issuer')?.toString('utf8').trim() ?? DEFAULT_ISSUER,
            ...(root ? { trustedRoot: root } : {}),
          },
      ACTION_VOICE,
      (p) => readFileSync(p, 'utf8'),
    )!;
    const subject = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${createHash('sha256').update(artifact).digest('hex')}`,
      size: artifact.length,
    };
    const candidate: BundleCandidate = {
      form: 'bundle',
      where: name,
      // A file, not a referrer manifest: the bundle's own bytes stand in for its holder's digest.
      digest: `sha256:${createHash('sha256')
        .update(readFileSync(join(dir, 'bundle.sigstore.json')))
        .digest('hex')}`,
      bundle: readFileSync(join(dir, 'bundle.sigstore.json')),
      annotations: {},
    };
    const prepared = await prepareBundle(candidate, subject, async () => artifact);
    if ('problem' in prepared) return outcome(false, prepared.problem);
    const found = judgeSignature(prepared, policy, await policy.trustRoot());
    return outcome(found.accepted, found.problem);
  } catch (err) {
    return outcome(false, err instanceof Error ? err.message : String(err));
  }
}
