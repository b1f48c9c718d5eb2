// What cosign writes besides the v0.3 bundle, read by oci-copy's verifier against a real registry:
// keyless attestations as cosign attest leaves them, under the `.att` tag and as OCI referrers
// (cosign v2's `--registry-referrers-mode=oci-1-1`), with the annotations cosign writes, and an RFC
// 3161 stamp, which cosign takes over the whole layer (the DSSE envelope's bytes), not the signature.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignatureRefusedError } from '../../src/signatures/errors.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { runCli } from '../support/cli.js';
import { getManifest } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import {
  cosignAttestBundle,
  IN_TOTO,
  keylessAttLayer,
  logAsIntoto001,
  provenanceStatement,
  pushCosignReferrer,
  pushCosignTag,
  SLSA_V1,
  tsaStamp,
} from '../support/signature-artifacts.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';

const IDENTITY = workflowIdentity(githubClaims());

describe("cosign's attestations in the forms it writes, read by oci-copy", () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let work: string;
  /** A trust root with Fulcio, the CT log and the TSA, and no transparency log (a private instance that stamps). */
  let tsaOnly: string;

  before(async () => {
    scene = await startSigningScene('oci-copy-cosign-forms-');
    ({ registry, world, work } = scene);
    tsaOnly = join(work, 'tsa-only-root.json');
    await writeFile(tsaOnly, JSON.stringify({ ...world.trustedRoot, tlogs: [] }));
  });

  after(async () => {
    await scene?.stop();
  });

  const keyless = (settings: { attestationTypes?: string; trustedRoot?: string } = {}) =>
    scene.policy({ certificateIdentity: IDENTITY, certificateOidcIssuer: GITHUB_ISSUER, ...settings });
  const stampByTsa = (bytes: Buffer) => tsaStamp(world, bytes);

  async function refused(run: Promise<unknown>, pattern: RegExp): Promise<void> {
    let caught: unknown;
    await run.catch((err: unknown) => (caught = err));
    assert.ok(caught instanceof SignatureRefusedError, `refused, not ${String(caught)}`);
    assert.ok(!caught.message.includes('\n'), caught.message);
    assert.match(caught.message, pattern);
  }

  it("reads a keyless attestation stored as cosign v2's referrer (in-toto artifactType, DSSE envelope layer with its certificate, Rekor and TSA annotations) through --verify-attestation-type", async () => {
    const root = await scene.image('v2ref/app');
    const statement = provenanceStatement(`${registry.host}/v2ref/app`, root.digest, world.claims);
    const layer = await keylessAttLayer(await cosignAttestBundle(world, statement, true), SLSA_V1, stampByTsa);
    const att = await pushCosignReferrer(registry, 'v2ref/app', root, 'attestation', [layer]);
    const manifest = (await getManifest(registry, 'v2ref/app', att.digest)).doc as unknown as {
      artifactType: string;
      config: { mediaType: string; artifactType: string };
      layers: Array<{ mediaType: string; annotations: Record<string, string> }>;
      annotations: Record<string, string>;
    };
    // What cosign's WriteReferrer writes (pkg/oci/remote/write.go).
    assert.equal(manifest.artifactType, IN_TOTO);
    assert.deepEqual([manifest.config.mediaType, manifest.config.artifactType], ['application/vnd.oci.empty.v1+json', IN_TOTO]);
    assert.equal(manifest.layers[0].mediaType, 'application/vnd.dsse.envelope.v1+json');
    assert.deepEqual(Object.keys(manifest.layers[0].annotations).sort(), [
      'dev.sigstore.cosign/bundle',
      'dev.sigstore.cosign/certificate',
      'dev.sigstore.cosign/chain',
      'dev.sigstore.cosign/rfc3161timestamp',
      'predicateType',
    ]);
    assert.deepEqual(Object.keys(manifest.annotations), ['org.opencontainers.image.created']);

    const record = await verifyImage(scene.repository('v2ref/app'), root, keyless({ attestationTypes: 'slsaprovenance1' }));
    assert.deepEqual(
      record.found.map((f) => [f.form, f.kind, f.where, f.predicateType, f.accepted]),
      [['legacy', 'attestation', `referrer ${att.digest}`, SLSA_V1, true]],
    );
    assert.deepEqual(record.predicateTypes, [SLSA_V1]);
    assert.equal(record.signer?.identity, IDENTITY);
    assert.match(record.tlogIndex ?? '', /^\d+$/, 'the dsse entry in Rekor is checked');

    // The command line's verify-attestation-type takes it, and copies the image.
    const run = await runCli(
      [
        '--verify-certificate-identity',
        IDENTITY,
        '--verify-certificate-oidc-issuer',
        GITHUB_ISSUER,
        '--verify-trusted-root',
        world.trustedRootPath,
        '--verify-attestation-type',
        'slsaprovenance1',
        '--json',
        `${registry.host}/v2ref/app:1.0`,
        `${registry.host}/v2ref/promoted:1.0`,
      ],
      { home: join(work, 'home'), env: { OCI_COPY_TIMEOUT_SECONDS: '20' } },
    );
    assert.equal(run.code, 0, run.stderr);
    const account = JSON.parse(run.stdout) as { digest: string; verification: { verified: boolean; predicateTypes?: string[] } };
    assert.equal(account.digest, root.digest);
    assert.equal(account.verification.verified, true);
    assert.equal((await getManifest(registry, 'v2ref/promoted', '1.0')).status, 200);

    // Another type is not there: refused, naming the attestation that is.
    await refused(
      verifyImage(scene.repository('v2ref/app'), root, keyless({ attestationTypes: 'spdxjson' })),
      new RegExp(
        `no attestation of type https://spdx\\.dev/Document of ${root.digest} .*a legacy attestation of type ${SLSA_V1.replace(/[./]/g, '\\$&')} \\(referrer ${att.digest}\\)`,
      ),
    );
  });

  it('refuses, in one line, a keyless referrer attestation whose layer lost its annotations (cosign 2.6 to 3.0.5 wrote them so)', async () => {
    const root = await scene.image('v2ref/bare');
    const statement = provenanceStatement(`${registry.host}/v2ref/bare`, root.digest, world.claims);
    const layer = await keylessAttLayer(await cosignAttestBundle(world, statement, true), SLSA_V1);
    // WriteAttestationsReferrer took the layers without their descriptors' annotations until v3.0.6.
    const att = await pushCosignReferrer(registry, 'v2ref/bare', root, 'attestation', [{ ...layer, annotations: {} }]);
    await refused(
      verifyImage(scene.repository('v2ref/bare'), root, keyless({ attestationTypes: 'slsaprovenance1' })),
      new RegExp(
        `a legacy attestation of type ${SLSA_V1.replace(/[./]/g, '\\$&')} \\(referrer ${att.digest}\\): it is signed with a key, and the policy requires a certificate identity`,
      ),
    );
  });

  it('says so when a legacy .att is logged as an intoto v0.0.1 entry (cosign 2.0 and 2.1), which the verifier cannot check', async () => {
    const root = await scene.image('intoto/att');
    const statement = provenanceStatement(`${registry.host}/intoto/att`, root.digest, world.claims);
    const layer = await logAsIntoto001(
      world,
      await keylessAttLayer(await cosignAttestBundle(world, statement, false), SLSA_V1, stampByTsa),
    );
    await pushCosignTag(registry, 'intoto/att', root, 'att', [layer]);
    await refused(
      verifyImage(scene.repository('intoto/att'), root, keyless({ attestationTypes: 'slsaprovenance1' })),
      /\(tag sha256-[0-9a-f]{64}\.att\) signed by .*: its transparency-log entry is of a type the verifier cannot check \(unsupported intoto version: 0\.0\.1\);/,
    );
  });

  it('accepts a legacy .att whose proof of time is an RFC 3161 stamp of the layer, with a TSA in the trust root and no log', async () => {
    const root = await scene.image('tsa/att');
    const statement = provenanceStatement(`${registry.host}/tsa/att`, root.digest, world.claims);
    // cosign attest --tlog-upload=false --timestamp-server-url …: no Rekor entry, the stamp alone.
    const layer = await keylessAttLayer(await cosignAttestBundle(world, statement, false), SLSA_V1, stampByTsa);
    assert.equal(layer.annotations['dev.sigstore.cosign/bundle'], undefined);
    await pushCosignTag(registry, 'tsa/att', root, 'att', [layer]);

    const record = await verifyImage(
      scene.repository('tsa/att'),
      root,
      keyless({ attestationTypes: 'slsaprovenance1', trustedRoot: tsaOnly }),
    );
    assert.equal(record.verified, true);
    assert.deepEqual(
      record.found.map((f) => [f.form, f.kind, f.where, f.accepted]),
      [['legacy', 'attestation', `tag ${root.digest.replace(':', '-')}.att`, true]],
    );
    assert.equal(record.tlogIndex, undefined, 'a TSA stamp, no log entry');
    assert.match(record.found[0].signedAt ?? '', /^\d{4}-\d\d-\d\dT/, 'the time is the TSA’s');
    assert.equal(record.signer?.commit, world.claims.sha);

    // A trust root with a log still wants a log entry.
    await refused(
      verifyImage(scene.repository('tsa/att'), root, keyless({ attestationTypes: 'slsaprovenance1' })),
      /it has no transparency-log entry, and the trust root requires one/,
    );
  });

  it('refuses a legacy .att whose stamp covers other bytes than the layer, and one with no stamp and no log entry', async () => {
    const root = await scene.image('tsa/wrong');
    const statement = provenanceStatement(`${registry.host}/tsa/wrong`, root.digest, world.claims);
    const bundle = await cosignAttestBundle(world, statement, false);
    // The stamp of the signature alone (what a v0.3 bundle's stamp covers) is not cosign's stamp of an attestation.
    const sigOnly = await keylessAttLayer(bundle, SLSA_V1, async (bytes) => {
      const env = JSON.parse(bytes.toString()) as { signatures: Array<{ sig: string }> };
      return tsaStamp(world, Buffer.from(env.signatures[0].sig, 'base64'));
    });
    await pushCosignTag(registry, 'tsa/wrong', root, 'att', [sigOnly]);
    await refused(
      verifyImage(scene.repository('tsa/wrong'), root, keyless({ attestationTypes: 'slsaprovenance1', trustedRoot: tsaOnly })),
      /a legacy attestation of type .* \(tag sha256-[0-9a-f]{64}\.att\) signed by .*: its timestamp does not verify against the trust root/,
    );

    const unstamped = await scene.image('tsa/none');
    await pushCosignTag(registry, 'tsa/none', unstamped, 'att', [
      await keylessAttLayer(
        await cosignAttestBundle(world, provenanceStatement(`${registry.host}/tsa/none`, unstamped.digest, world.claims), false),
        SLSA_V1,
      ),
    ]);
    await refused(
      verifyImage(scene.repository('tsa/none'), unstamped, keyless({ attestationTypes: 'slsaprovenance1', trustedRoot: tsaOnly })),
      /: no timestamp \(transparency-log entry or TSA\) shows it was signed while its certificate \(valid .* to .*\) was valid/,
    );

    // A stamp annotation that is not cosign's JSON is named as such.
    const mangled = await scene.image('tsa/mangled');
    const layer = await keylessAttLayer(
      await cosignAttestBundle(world, provenanceStatement(`${registry.host}/tsa/mangled`, mangled.digest, world.claims), false),
      SLSA_V1,
    );
    layer.annotations['dev.sigstore.cosign/rfc3161timestamp'] = 'not json';
    await pushCosignTag(registry, 'tsa/mangled', mangled, 'att', [layer]);
    await refused(
      verifyImage(scene.repository('tsa/mangled'), mangled, keyless({ attestationTypes: 'slsaprovenance1', trustedRoot: tsaOnly })),
      /: its RFC 3161 timestamp annotation is malformed/,
    );
  });
});
