import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { sync } from '../../src/api/sync.js';
import { keyFingerprint } from '../../src/signatures/public-key.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { runCli } from '../support/cli.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import type { TestDescriptor } from '../support/images.js';
import { fallbackTag, getManifest } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import { ACTION_COMPILED, REPO_ROOT, runAction } from '../support/run-action.js';
import {
  bundleBytes,
  dsseBundle,
  fulcioSigner,
  IN_TOTO,
  keySigner,
  pae,
  provenanceStatement,
  pushBundleReferrer,
  SIGN_PREDICATE,
  SLSA_V1,
} from '../support/signature-artifacts.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';
import { opensslVerifies as verifiedByOpenssl } from '../support/openssl.js';

const run = promisify(execFile);
const VSA = 'https://slsa.dev/verification_summary/v1';
const IDENTITY = workflowIdentity(githubClaims());
const PASSWORD = 'summary-key-1618';

interface BundleJson {
  verificationMaterial: {
    publicKey?: { hint: string };
    x509CertificateChain?: { certificates: Array<{ rawBytes: string }> };
    certificate?: { rawBytes: string };
  };
  dsseEnvelope: { payload: string; payloadType: string; signatures: Array<{ sig: string }> };
}

/** A verification summary found at a destination: its referrer, bundle, the statement's bytes and the statement. */
interface FoundSummary {
  referrer: string;
  bundle: BundleJson;
  statementBytes: Buffer;
  statement: { _type: string; subject: Array<{ name: string; digest: Record<string, string> }>; predicateType: string; predicate: any };
}

/**
 * `attest-verification`: after a verified promotion, the destination digest gets a signed SLSA
 * verification summary as a v0.3 bundle referrer, which the next hop accepts with
 * `verify-attestation-type: vsa`. Through the action, the command line and the library, against the
 * real registry and the mocked Sigstore; the DSSE signature is checked by openssl.
 */
describe('a signed verification summary after each verified promotion', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let work: string;
  let home: string;
  /** The promotion's signing key (cosign.key / cosign.pub). */
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const fingerprint = keyFingerprint(keys.publicKey);
  const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  /** The version oci-copy names itself by: package.json's. */
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  before(async () => {
    scene = await startSigningScene('oci-copy-vsa-');
    ({ registry, world, work } = scene);
    home = join(work, 'home');
    await writeFile(join(work, 'cosign.key'), encryptCosignKey(keys.privateKey, PASSWORD, 32768));
    await writeFile(join(work, 'cosign.pub'), publicPem);
    await writeFile(join(work, 'fulcio-root.pem'), world.fulcioRootPem);
  });

  after(async () => {
    await scene?.stop();
  });

  const ref = (repo: string, tag = '1.0') => `${registry.host}/${repo}:${tag}`;
  const hex = (digest: string) => digest.replace(/^sha256:/, '');
  const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const errors = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::error::'));
  const warnings = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('::warning::'));
  const writes = (requests: Array<{ method: string; path: string }>) =>
    requests.filter((r) => !['GET', 'HEAD'].includes(r.method)).map((r) => `${r.method} ${r.path}`);
  const runnerToken = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.tokenRequestToken,
  });
  const keylessPolicy = () => ({
    'verify-certificate-identity': IDENTITY,
    'verify-certificate-oidc-issuer': GITHUB_ISSUER,
    'verify-trusted-root': world.trustedRootPath,
  });
  const keySigning = () => ({ sign: 'key', 'sign-key': join(work, 'cosign.key'), 'sign-key-password': PASSWORD });

  /** `openssl` verifies the signature (see support/openssl.ts). */
  const opensslVerifies = (pem: string, data: Buffer, signature: Buffer) => verifiedByOpenssl(work, pem, data, signature, '-sha256');

  /** The bundle referrers of `digest` in `repo` (the `sha256-<hex>` index), and the verification summaries among them. */
  async function referrers(repo: string, digest: string): Promise<{ all: number; summaries: FoundSummary[] }> {
    const index = await getManifest(registry, repo, fallbackTag(digest));
    if (index.status !== 200) return { all: 0, summaries: [] };
    const summaries: FoundSummary[] = [];
    for (const entry of index.doc!.manifests) {
      if (entry.annotations?.['dev.sigstore.bundle.predicateType'] !== VSA) continue;
      const manifest = (await getManifest(registry, repo, entry.digest)).doc as Record<string, any>;
      assert.equal(manifest.subject.digest, digest, 'the summary refers to the digest it is about');
      assert.equal(manifest.artifactType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
      assert.equal(manifest.annotations['dev.sigstore.bundle.content'], 'dsse-envelope');
      const bundle = JSON.parse((await scene.blob(repo, manifest.layers[0].digest)).toString('utf8')) as BundleJson;
      const statementBytes = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
      summaries.push({ referrer: entry.digest, bundle, statementBytes, statement: JSON.parse(statementBytes.toString('utf8')) });
    }
    return { all: index.doc!.manifests.length, summaries };
  }

  /** A source image signed keyless by the workflow, with a SLSA v1 provenance attestation by the same workflow beside it. */
  async function imageWithProvenance(repo: string): Promise<{ root: TestDescriptor; provenance: string; signature: string }> {
    const root = await scene.signedImage(repo);
    const signature = (await getManifest(registry, repo, fallbackTag(root.digest))).doc!.manifests[0].digest;
    const bundle = await dsseBundle(
      fulcioSigner(world),
      provenanceStatement(`${registry.host}/${repo}`, root.digest, world.claims),
      world,
      'rekor',
    );
    const provenance = await pushBundleReferrer(registry, repo, root, bundleBytes(bundle), SLSA_V1);
    return { root, provenance: provenance.digest, signature };
  }

  describe('the action', () => {
    it('signs the summary with the key: openssl verifies the DSSE signature, the statement holds each field, the next hop accepts it with vsa and refuses an image without one', async () => {
      const { root, provenance } = await imageWithProvenance('act/app');
      const inputs = {
        ...keylessPolicy(),
        'verify-attestation-type': 'slsaprovenance1',
        ...keySigning(),
        'attest-verification': 'true',
        source: ref('act/app'),
        destination: ref('act/out'),
        'blob-cache': 'false',
      };
      const started = new Date();
      const first = await runAction(inputs, {}, ACTION_COMPILED);
      const ended = new Date();
      assert.equal(first.code, 0, first.stdout + first.stderr);
      const { all, summaries } = await referrers('act/out', root.digest);
      assert.equal(all, 2, 'the signature and the summary');
      assert.equal(summaries.length, 1);
      const [vsa] = summaries;
      assert.ok(
        first.stdout.includes(
          `Attested the verification of ${root.digest} (SLSA verification summary, PASSED, SLSA_BUILD_LEVEL_2) as key ${fingerprint}: referrer ${vsa.referrer}`,
        ),
        first.stdout,
      );
      assert.ok(first.summary.includes(`Attested the verification of ${root.digest}`), first.summary);

      // The DSSE signature, as openssl checks it against the key: over the PAE of the statement, and nothing else.
      assert.ok(vsa.bundle.verificationMaterial.publicKey, 'a key bundle');
      assert.equal(vsa.bundle.dsseEnvelope.payloadType, IN_TOTO);
      const sig = Buffer.from(vsa.bundle.dsseEnvelope.signatures[0].sig, 'base64');
      assert.ok(await opensslVerifies(publicPem, pae(IN_TOTO, vsa.statementBytes), sig), 'openssl verifies the summary');
      const forged = Buffer.from(vsa.statementBytes.toString('utf8').replace('"PASSED"', '"FAILED"'));
      assert.ok(!(await opensslVerifies(publicPem, pae(IN_TOTO, forged), sig)), 'and not a changed statement');

      // The statement, field by field.
      const { statement } = vsa;
      assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
      assert.deepEqual(statement.subject, [{ name: `${registry.host}/act/out`, digest: { sha256: hex(root.digest) } }]);
      assert.equal(statement.predicateType, VSA);
      const p = statement.predicate;
      assert.deepEqual(p.verifier, { id: 'https://github.com/oci-copy/oci-copy', version: { 'oci-copy': version } });
      const verifiedAt = Date.parse(p.timeVerified);
      assert.ok(verifiedAt >= started.getTime() - 1000 && verifiedAt <= ended.getTime(), p.timeVerified);
      assert.equal(p.resourceUri, `${registry.host}/act/out:1.0@${root.digest}`);
      const policyContent = Buffer.from(p.policy.content, 'base64');
      assert.deepEqual(JSON.parse(policyContent.toString('utf8')), {
        signer: { identity: IDENTITY, issuer: GITHUB_ISSUER },
        attestationTypes: [SLSA_V1],
        platforms: false,
        trustRoot: { name: world.trustedRootPath, digest: `sha256:${sha256(await readFile(world.trustedRootPath))}` },
      });
      assert.deepEqual(p.policy.digest, { sha256: sha256(policyContent) });
      assert.equal(p.policy.mediaType, 'application/json');
      assert.equal(
        p.policy.name,
        `identity ${IDENTITY}, issuer ${GITHUB_ISSUER}; attestation ${SLSA_V1} (trust root ${world.trustedRootPath})`,
      );
      assert.deepEqual(p.inputAttestations, [
        {
          name: `attestation (bundle) referrer ${provenance}`,
          digest: { sha256: hex(provenance) },
          annotations: { predicateType: SLSA_V1 },
        },
      ]);
      assert.equal(p.verificationResult, 'PASSED');
      assert.deepEqual(p.verifiedLevels, ['SLSA_BUILD_LEVEL_2']);
      assert.equal(p.slsaVersion, '1.0');

      const [record] = JSON.parse(first.outputs.verification) as Array<Record<string, any>>;
      assert.deepEqual(record.attested, {
        state: 'attested',
        digest: root.digest,
        mode: 'key',
        manifest: vsa.referrer,
        verifiedLevels: ['SLSA_BUILD_LEVEL_2'],
        policyDigest: `sha256:${p.policy.digest.sha256}`,
        signer: `key ${fingerprint}`,
      });

      // A re-run: the destination unchanged, already verified and summarised: nothing written, said.
      await registry.resetRequests();
      const again = await runAction(inputs, {}, ACTION_COMPILED);
      assert.equal(again.code, 0, again.stdout);
      assert.ok(
        again.stdout.includes(
          `Not attested again: ${root.digest} is already attested for this policy by key ${fingerprint} (referrer ${vsa.referrer}, SLSA verification summary)`,
        ),
        again.stdout,
      );
      assert.ok(again.summary.includes(`Not attested again: ${root.digest}`), again.summary);
      assert.ok(again.summary.includes('nothing was copied, nothing was written'), again.summary);
      assert.deepEqual(writes(await registry.settledRequests()), [], 'nothing written');
      assert.equal((await referrers('act/out', root.digest)).all, 2);
      assert.equal((JSON.parse(again.outputs.verification) as Array<Record<string, any>>)[0].attested.state, 'already-attested');

      // Another policy (no provenance required) is another summary, of its own levels.
      const other = await runAction({ ...inputs, 'verify-attestation-type': '' }, {}, ACTION_COMPILED);
      assert.equal(other.code, 0, other.stdout);
      assert.ok(
        other.stdout.includes(`Attested the verification of ${root.digest} (SLSA verification summary, PASSED, SLSA_BUILD_LEVEL_0)`),
        other.stdout,
      );
      const both = await referrers('act/out', root.digest);
      assert.equal(both.summaries.length, 2);

      // The next hop trusts the summary: the promotion key's vsa attestation is what it requires.
      const next = await runAction(
        {
          source: ref('act/out'),
          destination: ref('act/next'),
          'verify-key': join(work, 'cosign.pub'),
          'verify-attestation-type': 'vsa',
          'blob-cache': 'false',
        },
        {},
        ACTION_COMPILED,
      );
      assert.equal(next.code, 0, next.stdout);
      assert.ok(next.stdout.includes(`Verified ${root.digest}: signed by key ${fingerprint}; attestations ${VSA}`), next.stdout);
      assert.equal((await getManifest(registry, 'act/next', '1.0')).status, 200);

      // And refuses an image promoted without one (signed by the same key, no summary).
      const bare = await scene.signedImage('act/bare');
      const promoted = await runAction(
        { ...keylessPolicy(), ...keySigning(), source: ref('act/bare'), destination: ref('act/bare-out'), 'blob-cache': 'false' },
        {},
        ACTION_COMPILED,
      );
      assert.equal(promoted.code, 0, promoted.stdout);
      assert.equal((await referrers('act/bare-out', bare.digest)).summaries.length, 0, 'no summary without attest-verification');
      const refused = await runAction(
        {
          source: ref('act/bare-out'),
          destination: ref('act/bare-next'),
          'verify-key': join(work, 'cosign.pub'),
          'verify-attestation-type': 'vsa',
          'blob-cache': 'false',
        },
        {},
        ACTION_COMPILED,
      );
      assert.equal(refused.code, 1, refused.stdout);
      const [line, ...more] = errors(refused.stdout);
      assert.deepEqual(more, []);
      assert.ok(line.includes(`attestation of type ${VSA}`) && line.includes(bare.digest), line);
      assert.equal((await getManifest(registry, 'act/bare-next', '1.0')).status, 404);
    });

    it("keyless: the summary is signed by the job's workflow through the mocked Fulcio and Rekor, names it as the verifier, and openssl follows its certificate", async () => {
      const root = await scene.signedImage('keyless/app');
      const signature = (await getManifest(registry, 'keyless/app', fallbackTag(root.digest))).doc!.manifests[0].digest;
      const result = await runAction(
        {
          ...keylessPolicy(),
          sign: 'keyless',
          'sign-fulcio-url': world.fulcioUrl,
          'sign-rekor-url': world.rekorUrl,
          'attest-verification': 'true',
          source: ref('keyless/app'),
          destination: ref('keyless/out'),
          'blob-cache': 'false',
        },
        runnerToken(),
        ACTION_COMPILED,
      );
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const [vsa, ...more] = (await referrers('keyless/out', root.digest)).summaries;
      assert.equal(more.length, 0);
      assert.ok(
        result.stdout.includes(
          `Attested the verification of ${root.digest} (SLSA verification summary, PASSED, SLSA_BUILD_LEVEL_0) as ${IDENTITY} (issuer ${GITHUB_ISSUER}): referrer ${vsa.referrer}; log index `,
        ),
        result.stdout,
      );
      const raw =
        vsa.bundle.verificationMaterial.certificate?.rawBytes ??
        vsa.bundle.verificationMaterial.x509CertificateChain!.certificates[0].rawBytes;
      const leaf = join(work, 'vsa-leaf.pem');
      await writeFile(leaf, `-----BEGIN CERTIFICATE-----\n${raw.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
      assert.match((await run('openssl', ['verify', '-CAfile', join(work, 'fulcio-root.pem'), leaf])).stdout, /: OK$/m);
      const { stdout: leafKey } = await run('openssl', ['x509', '-in', leaf, '-pubkey', '-noout']);
      const sig = Buffer.from(vsa.bundle.dsseEnvelope.signatures[0].sig, 'base64');
      assert.ok(await opensslVerifies(leafKey, pae(IN_TOTO, vsa.statementBytes), sig), 'openssl verifies it with the certificate key');

      const p = vsa.statement.predicate;
      assert.deepEqual(p.verifier, { id: IDENTITY, version: { 'oci-copy': version } }, 'keyless: the workflow identity verified it');
      assert.deepEqual(p.inputAttestations, [
        {
          name: `signature (bundle) referrer ${signature}`,
          digest: { sha256: hex(signature) },
          annotations: { predicateType: SIGN_PREDICATE },
        },
      ]);
      assert.deepEqual(p.verifiedLevels, ['SLSA_BUILD_LEVEL_0'], 'a signature alone verifies no build level');
      assert.deepEqual(JSON.parse(Buffer.from(p.policy.content, 'base64').toString('utf8')).signer, {
        identity: IDENTITY,
        issuer: GITHUB_ISSUER,
      });

      // The next hop, keyless too: the workflow's summary satisfies a vsa policy against the same root.
      const next = await verifyImage(
        scene.repository('keyless/out'),
        root,
        scene.policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER, attestationTypes: 'vsa' }),
      );
      assert.deepEqual(next.predicateTypes, [VSA]);
      assert.ok(next.found.some((f) => f.accepted && f.digest === vsa.referrer));
    });

    it('verify-mode warn: an image that failed gets no summary, and the log and the summary say so; the verified one beside it gets its summary', async () => {
      const good = await scene.signedImage('warn/good');
      const bad = await scene.image('warn/bad');
      const images = [
        `- source: ${ref('warn/good')}\n  destination: ${registry.host}/warn-out/good`,
        `- source: ${ref('warn/bad')}\n  destination: ${registry.host}/warn-out/bad`,
      ].join('\n');
      const result = await runAction(
        { ...keylessPolicy(), 'verify-mode': 'warn', ...keySigning(), 'attest-verification': 'true', images, 'blob-cache': 'false' },
        {},
        ACTION_COMPILED,
      );
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const warned = warnings(result.stdout);
      assert.ok(
        warned.some((w) =>
          w.includes(
            `No verification summary for ${bad.digest}: it did not pass the signature policy (verify-mode warn copied it anyway), and a summary says PASSED or nothing`,
          ),
        ),
        warned.join('\n'),
      );
      assert.ok(result.summary.includes(`No verification summary for ${bad.digest}`), result.summary);
      assert.ok(result.summary.includes('no verification summary'), result.summary);
      const badThere = await referrers('warn-out/bad', bad.digest);
      assert.equal(badThere.summaries.length, 0, 'no summary of what failed');
      assert.equal(badThere.all, 1, 'signing still signs it, as warn mode says');
      assert.equal((await referrers('warn-out/good', good.digest)).summaries.length, 1);
      const records = JSON.parse(result.outputs.verification) as Array<Record<string, any>>;
      const badRecord = records.find((r) => r.digest === bad.digest)!;
      assert.equal(badRecord.attested.state, 'not-attested');
      assert.match(badRecord.attested.reason, /did not pass the signature policy/);
      assert.equal(records.find((r) => r.digest === good.digest)!.attested.state, 'attested');
    });

    it("an entry's attest-verification: false replaces the step's for its images: no summary, and no warning, as none was asked", async () => {
      const [kept, skipped] = await Promise.all([scene.signedImage('entries/kept'), scene.signedImage('entries/skipped')]);
      const images = [
        `- source: ${ref('entries/kept')}\n  destination: ${registry.host}/entries-out/kept`,
        `- source: ${ref('entries/skipped')}\n  destination: ${registry.host}/entries-out/skipped\n  attest-verification: false`,
      ].join('\n');
      const result = await runAction(
        { ...keylessPolicy(), ...keySigning(), 'attest-verification': 'true', images, 'blob-cache': 'false' },
        {},
        ACTION_COMPILED,
      );
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(warnings(result.stdout), []);
      assert.equal((await referrers('entries-out/kept', kept.digest)).summaries.length, 1);
      const skippedThere = await referrers('entries-out/skipped', skipped.digest);
      assert.deepEqual([skippedThere.all, skippedThere.summaries.length], [1, 0], 'signed, not summarised');
      const records = JSON.parse(result.outputs.verification) as Array<Record<string, any>>;
      assert.equal(records.find((r) => r.digest === kept.digest)!.attested.state, 'attested');
      assert.ok(!('attested' in records.find((r) => r.digest === skipped.digest)!), 'nothing to say of a summary not asked for');
    });

    it('attest-verification without sign, without a policy, or not a boolean is one line naming the inputs, and nothing is copied', async () => {
      await scene.signedImage('bad/app');
      const base = { source: ref('bad/app'), destination: ref('bad/out'), 'blob-cache': 'false', 'attest-verification': 'true' };
      const entry = (...lines: string[]) =>
        [`- source: ${ref('bad/app')}`, `  destination: ${registry.host}/bad/list`, ...lines.map((l) => `  ${l}`)].join('\n');
      const cases: Array<[Record<string, string>, RegExp]> = [
        [
          { ...base, ...keylessPolicy() },
          /^::error::input "attest-verification" asks for a signed verification summary, but input "sign" is not given: set input "sign" to keyless or key/,
        ],
        [
          { ...base, ...keySigning() },
          /^::error::input "attest-verification" asks for a signed verification summary, but nothing is verified: give input "verify-key", or input "verify-certificate-identity" with input "verify-certificate-oidc-issuer"/,
        ],
        [{ ...base, 'attest-verification': 'sometimes' }, /^::error::input "attest-verification" is "sometimes": use true or false$/],
        [
          { ...keylessPolicy(), ...keySigning(), 'blob-cache': 'false', images: entry('attest-verification: true', 'sign: false') },
          /^::error::input "images": entry 1 \(line 1\), field "attest-verification" asks for a signed verification summary, but input "images": entry 1 \(line 1\) says sign: false: /,
        ],
      ];
      for (const [inputs, pattern] of cases) {
        const result = await runAction(inputs, {}, ACTION_COMPILED);
        assert.equal(result.code, 1, JSON.stringify(inputs));
        const lines = errors(result.stdout);
        assert.equal(lines.length, 1, result.stdout);
        assert.match(lines[0], pattern);
      }
      assert.equal((await getManifest(registry, 'bad/out', '1.0')).status, 404);
      assert.equal((await getManifest(registry, 'bad/list', '1.0')).status, 404);
    });
  });

  describe('the command line', () => {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      runCli(args, { home, env: { OCI_COPY_TIMEOUT_SECONDS: '20', COSIGN_PASSWORD: PASSWORD, ...env } });
    const flags = () => [
      '--verify-certificate-identity',
      IDENTITY,
      '--verify-certificate-oidc-issuer',
      GITHUB_ISSUER,
      '--verify-trusted-root',
      world.trustedRootPath,
      '--sign',
      'key',
      '--sign-key',
      join(work, 'cosign.key'),
    ];

    it('--attest-verification attaches the summary, which the next hop requires with --verify-attestation-type vsa; a re-run says already attested; a dry run what it would do', async () => {
      const root = await scene.signedImage('cli/app');
      const dry = await cli([...flags(), '--attest-verification', '--dry-run', ref('cli/app'), ref('cli/out')]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.ok(
        dry.stderr.includes(`Would attest the verification of ${root.digest} (key, SLSA verification summary) as key ${fingerprint}`),
        dry.stderr,
      );
      assert.equal((await getManifest(registry, 'cli/out', '1.0')).status, 404);

      const first = await cli([...flags(), '--attest-verification', '--json', ref('cli/app'), ref('cli/out')]);
      assert.equal(first.code, 0, first.stderr);
      const [vsa] = (await referrers('cli/out', root.digest)).summaries;
      assert.ok(
        first.stderr.includes(
          `Attested the verification of ${root.digest} (SLSA verification summary, PASSED, SLSA_BUILD_LEVEL_0) as key ${fingerprint}: referrer ${vsa.referrer}`,
        ),
        first.stderr,
      );
      const account = JSON.parse(first.stdout) as { verification: { attested: Record<string, unknown> } };
      assert.equal(account.verification.attested.state, 'attested');
      assert.equal(account.verification.attested.manifest, vsa.referrer);
      assert.equal(vsa.statement.predicate.resourceUri, `${registry.host}/cli/out:1.0@${root.digest}`);
      const sig = Buffer.from(vsa.bundle.dsseEnvelope.signatures[0].sig, 'base64');
      assert.ok(await opensslVerifies(publicPem, pae(IN_TOTO, vsa.statementBytes), sig));

      const again = await cli([...flags(), '--attest-verification', ref('cli/app'), ref('cli/out')]);
      assert.equal(again.code, 0, again.stderr);
      assert.ok(
        again.stderr.includes(`Not attested again: ${root.digest} is already attested for this policy by key ${fingerprint}`),
        again.stderr,
      );
      assert.equal((await referrers('cli/out', root.digest)).summaries.length, 1);

      const next = await cli([
        '--verify-key',
        join(work, 'cosign.pub'),
        '--verify-attestation-type',
        'vsa',
        ref('cli/out'),
        ref('cli/next'),
      ]);
      assert.equal(next.code, 0, next.stderr);
      assert.ok(next.stderr.includes(`attestations ${VSA}`), next.stderr);
      const unsummarised = await scene.signedImage('cli/plain');
      assert.equal((await cli([...flags(), ref('cli/plain'), ref('cli/plain-out')])).code, 0);
      const refused = await cli([
        '--verify-key',
        join(work, 'cosign.pub'),
        '--verify-attestation-type',
        'vsa',
        ref('cli/plain-out'),
        ref('cli/plain-next'),
      ]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.ok(refused.stderr.includes(`attestation of type ${VSA}`) && refused.stderr.includes(unsummarised.digest), refused.stderr);
    });

    it('--attest-verification without --sign, or without a policy, is one line naming the flags', async () => {
      await scene.signedImage('cli/bad');
      const noSign = await cli(['--verify-key', join(work, 'cosign.pub'), '--attest-verification', ref('cli/bad'), ref('cli/bad-out')]);
      assert.notEqual(noSign.code, 0);
      assert.match(
        noSign.stderr.trim(),
        /--attest-verification asks for a signed verification summary, but --sign is not given: set --sign to keyless or key/,
      );
      assert.equal(noSign.stderr.trim().split('\n').length, 1, noSign.stderr);
      const noPolicy = await cli([
        '--sign',
        'key',
        '--sign-key',
        join(work, 'cosign.key'),
        '--attest-verification',
        ref('cli/bad'),
        ref('cli/bad-out'),
      ]);
      assert.notEqual(noPolicy.code, 0);
      assert.match(
        noPolicy.stderr.trim(),
        /--attest-verification asks for a signed verification summary, but nothing is verified: give --verify-key, or --verify-certificate-identity with --verify-certificate-oidc-issuer/,
      );
      assert.equal((await getManifest(registry, 'cli/bad-out', '1.0')).status, 404);
    });
  });

  describe('the library', () => {
    it("sync(): an entry's attest-verification key attests, a re-run finds it attested, and a summary that says FAILED satisfies no vsa policy", async () => {
      const root = await scene.signedImage('lib/app');
      const list = [
        `- source: ${ref('lib/app')}`,
        `  destination: ${registry.host}/lib/out`,
        `  verify-certificate-identity: ${IDENTITY}`,
        `  verify-certificate-oidc-issuer: ${GITHUB_ISSUER}`,
        `  verify-trusted-root: ${world.trustedRootPath}`,
        '  sign: key',
        `  sign-key: ${join(work, 'cosign.key')}`,
        `  sign-key-password: ${PASSWORD}`,
        '  attest-verification: true',
      ].join('\n');
      const first = await sync(list);
      const [r] = first.results;
      assert.equal(r.status, 'copied', r.error);
      const summary = r.checks['verification-summary'];
      assert.equal(summary?.state, 'attested');
      assert.deepEqual(summary?.state === 'attested' ? summary.verifiedLevels : undefined, ['SLSA_BUILD_LEVEL_0']);
      const keyVsa = scene.policy({ key: join(work, 'cosign.pub'), attestationTypes: 'vsa' });
      const verified = await verifyImage(scene.repository('lib/out'), root, keyVsa);
      assert.ok(verified.found.some((f) => f.accepted && summary?.state === 'attested' && f.digest === summary.manifest));

      const again = await sync(list);
      assert.deepEqual(
        again.results.map((x) => [x.status, x.checks.sign?.state, x.checks['verification-summary']?.state]),
        [['unchanged', 'already-signed', 'already-attested']],
      );

      // A summary that says FAILED, signed by the same key, vouches for nothing.
      const failedRoot = await scene.image('lib/failed');
      const statement = Buffer.from(
        JSON.stringify({
          _type: 'https://in-toto.io/Statement/v1',
          subject: [{ name: `${registry.host}/lib/failed`, digest: { sha256: hex(failedRoot.digest) } }],
          predicateType: VSA,
          predicate: { verificationResult: 'FAILED', verifiedLevels: ['FAILED'], policy: { digest: { sha256: '00' } } },
        }),
      );
      const bundle = await dsseBundle(keySigner(keys.privateKey), statement, world, 'none');
      await pushBundleReferrer(registry, 'lib/failed', failedRoot, bundleBytes(bundle), VSA);
      await assert.rejects(verifyImage(scene.repository('lib/failed'), failedRoot, keyVsa), (err: Error) => {
        assert.ok(err.message.includes('its verification summary says FAILED, not PASSED'), err.message);
        return true;
      });
    });
  });
});
