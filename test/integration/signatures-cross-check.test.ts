// The keyless signatures oci-copy writes, checked by a Sigstore verifier written apart from the
// libraries oci-copy signs and verifies with: @freedomofpress/sigstore-browser (Web Crypto, its own
// X.509, SCT, Merkle, SET and RFC 3161 code), against the trusted root of @sigstore/mock's Fulcio,
// Rekor and TSA. What it reads comes from the real registry, as any puller would read it.
//
// sigstore-browser 0.1.14 does not verify a bundle without a transparency-log entry, nor one signed
// with a key (oci-copy's keyless signing always logs in Rekor; its keyed forms are checked by openssl
// in signatures-sign.test.ts). It reads a bundle's JSON without giving proto3's omitted defaults
// their value: the mock log answers each entry with a one-leaf tree, whose inclusion proof has
// `logIndex` 0 and no `hashes`, which proto3 JSON leaves out; `withDefaults` writes them back in,
// changing nothing that is signed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AllOf, Identity, SigstoreVerifier, type SigstoreBundle, type TrustedRoot } from '@freedomofpress/sigstore-browser';
import { signImage } from '../../src/signatures/sign.js';
import type { TestDescriptor } from '../support/images.js';
import { fallbackTag, getManifest, type Desc } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import { BUNDLE_TYPE, SIGN_PREDICATE } from '../support/signature-artifacts.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, workflowIdentity, type SigstoreWorld } from '../support/sigstore-world.js';

type Json = Record<string, any>;

/** proto3 JSON leaves out default values; sigstore-browser reads these without defaulting them. */
function withDefaults(bundle: Json): Json {
  const material = bundle.verificationMaterial;
  material.tlogEntries ??= [];
  for (const entry of material.tlogEntries) {
    if (entry.inclusionProof) {
      entry.inclusionProof.logIndex ??= '0';
      entry.inclusionProof.hashes ??= [];
    }
  }
  return bundle;
}

/**
 * A legacy `.sig` layer as a v0.1 bundle, written here from cosign's layout (pkg/oci/static,
 * pkg/cosign/bundle/rekor.go), not with oci-copy's own reading of it: the certificate annotation, the
 * Rekor entry and its signed entry timestamp, the RFC 3161 stamp, the signature over the payload.
 */
function legacyAsBundle(payload: Buffer, annotations: Record<string, string>): Json {
  const der = Buffer.from(
    annotations['dev.sigstore.cosign/certificate'].replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
  const rekor = JSON.parse(annotations['dev.sigstore.cosign/bundle']) as {
    SignedEntryTimestamp: string;
    Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
  };
  const body = JSON.parse(Buffer.from(rekor.Payload.body, 'base64').toString()) as { kind: string; apiVersion: string };
  const stamp = annotations['dev.sigstore.cosign/rfc3161timestamp'];
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      x509CertificateChain: { certificates: [{ rawBytes: der.toString('base64') }] },
      tlogEntries: [
        {
          logIndex: String(rekor.Payload.logIndex),
          logId: { keyId: Buffer.from(rekor.Payload.logID, 'hex').toString('base64') },
          kindVersion: { kind: body.kind, version: body.apiVersion },
          integratedTime: String(rekor.Payload.integratedTime),
          inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
          canonicalizedBody: rekor.Payload.body,
        },
      ],
      timestampVerificationData: {
        rfc3161Timestamps: stamp
          ? [{ signedTimestamp: (JSON.parse(stamp) as { SignedRFC3161Timestamp: string }).SignedRFC3161Timestamp }]
          : [],
      },
    },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') },
      signature: annotations['dev.cosignproject.cosign/signature'],
    },
  };
}

describe("an independent verifier (sigstore-browser) checks oci-copy's keyless signatures", () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let world: SigstoreWorld;
  let identity: string;

  before(async () => {
    scene = await startSigningScene('oci-copy-cross-check-');
    ({ registry, world } = scene);
    identity = workflowIdentity(world.claims);
  });

  after(async () => {
    await scene?.stop();
  });

  async function verifier(options: { tsa: boolean }): Promise<SigstoreVerifier> {
    const v = new SigstoreVerifier({ tlogThreshold: 1, ctlogThreshold: 1, tsaThreshold: options.tsa ? 1 : 0 });
    await v.loadSigstoreRoot(world.trustedRoot as unknown as TrustedRoot);
    return v;
  }

  /** The image manifest's bytes as a puller reads them. */
  async function manifestBytes(repo: string, digest: string): Promise<Buffer> {
    const res = await fetch(`${registry.url}/v2/${repo}/manifests/${digest}`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Refused by sigstore-browser: its error's message matches `pattern`. */
  async function rejects(run: Promise<unknown>, pattern: RegExp): Promise<void> {
    let caught: unknown;
    await run.then(
      () => undefined,
      (err: unknown) => (caught = err),
    );
    assert.ok(caught instanceof Error, 'sigstore-browser refuses it');
    assert.match(caught.message, pattern);
  }

  const sign = (repo: string, root: TestDescriptor, format: 'bundle' | 'legacy', tsa: boolean) =>
    signImage(scene.repository(repo), root, `${registry.host}/${repo}`, {
      mode: 'keyless',
      format,
      identityToken: async () => world.identityToken(),
      fulcioUrl: world.fulcioUrl,
      rekorUrl: world.rekorUrl,
      ...(tsa ? { tsaUrl: world.tsaUrl } : {}),
    });

  for (const tsa of [false, true]) {
    const stamped = tsa ? ', stamped by a TSA' : '';
    it(`verifies the v0.3 bundle referrer (DSSE, cosign's signing statement, logged in Rekor${stamped}) against the image manifest's bytes`, async () => {
      const repo = tsa ? 'cross/bundle-tsa' : 'cross/bundle';
      const root = await scene.image(repo);
      const record = await sign(repo, root, 'bundle', tsa);

      // Found as a puller finds it: the sha256-<hex> index, the referrer manifest, its one layer.
      const index = await getManifest(registry, repo, fallbackTag(root.digest));
      const entry = index.doc!.manifests.find((d: Desc) => d.digest === record.manifest);
      assert.equal(entry?.artifactType, BUNDLE_TYPE);
      const referrer = (await getManifest(registry, repo, record.manifest)).doc as unknown as { layers: Desc[] };
      const json = JSON.parse((await scene.blob(repo, referrer.layers[0].digest)).toString()) as Json;
      assert.equal(json.mediaType, BUNDLE_TYPE);
      assert.equal(json.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.length ?? 0, tsa ? 1 : 0);
      const bundle = withDefaults(json) as SigstoreBundle;
      const image = await manifestBytes(repo, root.digest);

      const v = await verifier({ tsa });
      assert.equal(await v.verifyArtifact(identity, GITHUB_ISSUER, bundle, new Uint8Array(image)), true);
      const { payloadType, payload } = await v.verifyDsse(bundle, new AllOf([new Identity({ identity, issuer: GITHUB_ISSUER })]));
      assert.equal(payloadType, 'application/vnd.in-toto+json');
      const statement = JSON.parse(Buffer.from(payload).toString()) as {
        predicateType: string;
        subject: Array<{ digest: { sha256: string } }>;
      };
      assert.equal(statement.predicateType, SIGN_PREDICATE);
      assert.deepEqual(
        statement.subject.map((s) => `sha256:${s.digest.sha256}`),
        [root.digest],
      );

      // And it refuses what it should: another image's bytes, another identity.
      const other = await scene.image(repo);
      await rejects(
        v.verifyArtifact(identity, GITHUB_ISSUER, bundle, new Uint8Array(await manifestBytes(repo, other.digest))),
        /does not match any subject/,
      );
      await rejects(
        v.verifyArtifact(
          'https://github.com/acme/other/.github/workflows/release.yml@refs/heads/main',
          GITHUB_ISSUER,
          bundle,
          new Uint8Array(image),
        ),
        /Certificate's SANs do not match/,
      );
    });

    it(`verifies the legacy .sig layer (simple-signing payload, certificate and Rekor SET annotations${stamped}) against its payload`, async () => {
      const repo = tsa ? 'cross/legacy-tsa' : 'cross/legacy';
      const root = await scene.image(repo);
      const record = await sign(repo, root, 'legacy', tsa);
      const manifest = (await getManifest(registry, repo, record.tag!)).doc as unknown as {
        layers: Array<Desc & { annotations: Record<string, string> }>;
      };
      const layer = manifest.layers[0];
      const payload = await scene.blob(repo, layer.digest);
      const doc = JSON.parse(payload.toString()) as { critical: { image: { 'docker-manifest-digest': string } } };
      assert.equal(doc.critical.image['docker-manifest-digest'], root.digest);
      assert.equal('dev.sigstore.cosign/rfc3161timestamp' in layer.annotations, tsa);
      const bundle = legacyAsBundle(payload, layer.annotations) as SigstoreBundle;

      const v = await verifier({ tsa });
      assert.equal(await v.verifyArtifact(identity, GITHUB_ISSUER, bundle, new Uint8Array(payload)), true);

      // A payload naming another digest is not what was signed.
      const forged = Buffer.from(payload.toString().replace(root.digest.slice(7), 'f'.repeat(64)));
      await rejects(v.verifyArtifact(identity, GITHUB_ISSUER, bundle, new Uint8Array(forged)), /Error verifying artifact signature/);
      // Nor is another issuer the signer's.
      await rejects(
        v.verifyArtifact(identity, 'https://accounts.google.com', bundle, new Uint8Array(payload)),
        /0 of 2 policies succeeded/,
      );
    });
  }
});
