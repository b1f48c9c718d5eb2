// Signatures and attestations made and pushed as cosign and GitHub make and push them, with nothing
// of oci-copy's own code: bundles come from sigstore-js (@sigstore/sign) talking to the test's
// Sigstore world, legacy layers are signed with node:crypto, and everything reaches the registry
// through plain HTTP (referrer-artifacts.ts).
import { createHash, createPublicKey, sign as signData, type KeyObject } from 'node:crypto';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { bundleToJSON, type Bundle } from '@sigstore/bundle';
import {
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type Signer,
  type Witness,
} from '@sigstore/sign';
import {
  describeBytes,
  EMPTY,
  fallbackTag,
  getManifest,
  OCI_MANIFEST,
  pushBlob,
  putManifest,
  writeFallbackIndex,
  type Desc,
} from './referrer-artifacts.js';
import type { TestRegistry } from './registry.js';
import type { GithubClaims, SigstoreWorld } from './sigstore-world.js';

export const BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const SLSA_V1 = 'https://slsa.dev/provenance/v1';
export const IN_TOTO = 'application/vnd.in-toto+json';
const hex = (digest: string) => digest.slice('sha256:'.length);

/** cosign v3's signing statement for a digest (cmd/cosign/cli/sign/sign.go). */
export function cosignSignStatement(digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: hex(digest) } }],
      predicateType: SIGN_PREDICATE,
      predicate: {},
    }),
  );
}

/** A SLSA v1 provenance statement as actions/attest-build-provenance writes it for a pushed image. */
export function provenanceStatement(name: string, digest: string, claims: GithubClaims): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name, digest: { sha256: hex(digest) } }],
      predicateType: SLSA_V1,
      predicate: {
        buildDefinition: {
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          externalParameters: {
            workflow: { ref: claims.ref, repository: `https://github.com/${claims.repository}`, path: '.github/workflows/release.yml' },
          },
          internalParameters: {
            github: { event_name: claims.event_name, repository_id: claims.repository_id, repository_owner_id: claims.repository_owner_id },
          },
          resolvedDependencies: [{ uri: `git+https://github.com/${claims.repository}@${claims.ref}`, digest: { gitCommit: claims.sha } }],
        },
        runDetails: {
          builder: { id: `https://github.com/${claims.job_workflow_ref}` },
          metadata: {
            invocationId: `https://github.com/${claims.repository}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}`,
          },
        },
      },
    }),
  );
}

export type Witnesses = 'rekor' | 'tsa' | 'rekor+tsa' | 'none';

function witnesses(world: SigstoreWorld, which: Witnesses): Witness[] {
  const out: Witness[] = [];
  if (which.includes('rekor')) out.push(new RekorWitness({ rekorBaseURL: world.rekorUrl }));
  if (which.includes('tsa')) out.push(new TSAWitness({ tsaBaseURL: world.tsaUrl }));
  return out;
}

/** A keyless signer: an ephemeral key and a certificate from the world's Fulcio for the token's identity. */
export function fulcioSigner(world: SigstoreWorld, claims?: GithubClaims): Signer {
  return new FulcioSigner({ fulcioBaseURL: world.fulcioUrl, identityProvider: { getToken: async () => world.identityToken(claims) } });
}

/** A signer with a private key, its public key as the hint (as cosign writes key bundles). */
export function keySigner(key: KeyObject): Signer {
  return {
    sign: async (data: Buffer) => ({
      signature: signData('sha256', data, key),
      key: { $case: 'publicKey', publicKey: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(), hint: '' },
    }),
  };
}

export async function dsseBundle(signer: Signer, statement: Buffer, world: SigstoreWorld, which: Witnesses): Promise<Bundle> {
  return new DSSEBundleBuilder({ signer, witnesses: witnesses(world, which) }).create({ data: statement, type: IN_TOTO });
}

export async function messageBundle(signer: Signer, payload: Buffer, world: SigstoreWorld, which: Witnesses): Promise<Bundle> {
  return new MessageSignatureBundleBuilder({ signer, witnesses: witnesses(world, which) }).create({ data: payload });
}

export const bundleBytes = (bundle: Bundle | unknown): Buffer =>
  Buffer.from(JSON.stringify((bundle as Bundle).verificationMaterial ? bundleToJSON(bundle as Bundle) : bundle));

/**
 * A bundle referrer as cosign v3 and GitHub push it: empty config, the bundle as the one layer,
 * `artifactType` and annotations, `subject`; then (distribution 2.8 has no referrers API) the
 * subject's `sha256-<hex>` index gains the entry, as the pushing client keeps it.
 */
export async function pushBundleReferrer(
  registry: TestRegistry,
  repo: string,
  subject: Desc,
  bundle: Buffer,
  predicateType: string,
  content = 'dsse-envelope',
): Promise<Desc> {
  const config = await pushBlob(registry, repo, Buffer.from('{}'), EMPTY);
  const layer = await pushBlob(registry, repo, bundle, BUNDLE_TYPE);
  const annotations = {
    'dev.sigstore.bundle.content': content,
    'dev.sigstore.bundle.predicateType': predicateType,
    'org.opencontainers.image.created': '2026-05-01T10:00:00Z',
  };
  const doc = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: BUNDLE_TYPE,
    config,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const desc = await putManifest(registry, repo, describeBytes(Buffer.from(JSON.stringify(doc)), OCI_MANIFEST).digest, doc, OCI_MANIFEST);
  const existing = await getManifest(registry, repo, fallbackTag(subject.digest));
  await writeFallbackIndex(registry, repo, subject, [
    ...(existing.doc?.manifests ?? []),
    { ...desc, artifactType: BUNDLE_TYPE, annotations },
  ]);
  return desc;
}

export interface LegacyLayer {
  payload: Buffer;
  mediaType: string;
  annotations: Record<string, string>;
}

/** cosign's `.sig` or `.att` manifest: no subject, an image config listing the layers, tagged `sha256-<hex>.<suffix>`. */
export async function pushCosignTag(
  registry: TestRegistry,
  repo: string,
  subject: Desc,
  suffix: 'sig' | 'att',
  layers: LegacyLayer[],
): Promise<Desc> {
  const pushed: Desc[] = [];
  for (const l of layers) pushed.push({ ...(await pushBlob(registry, repo, l.payload, l.mediaType)), annotations: l.annotations });
  const config = await pushBlob(
    registry,
    repo,
    Buffer.from(
      JSON.stringify({
        architecture: '',
        created: '0001-01-01T00:00:00Z',
        os: '',
        rootfs: { type: 'layers', diff_ids: pushed.map((p) => p.digest) },
        config: {},
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  return putManifest(
    registry,
    repo,
    `${fallbackTag(subject.digest)}.${suffix}`,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: pushed },
    OCI_MANIFEST,
  );
}

/**
 * The same layers as cosign v2 pushes them with `--registry-referrers-mode=oci-1-1`: a referrer
 * manifest (empty config, `artifactType` `application/vnd.dev.cosign.artifact.sig.v1+json` for
 * signatures, `application/vnd.in-toto+json` for attestations, on the manifest and on the config's
 * descriptor, `subject`, the `created` annotation; each layer keeps its annotations, as
 * WriteAttestationsReferrer does since cosign v3.0.6, pkg/oci/remote/write.go), then the subject's
 * `sha256-<hex>` index gains the entry (distribution 2.8 has no referrers API). `subject` in the
 * manifest may be another digest than the one it is listed under, for a test of a lying listing.
 */
export async function pushCosignReferrer(
  registry: TestRegistry,
  repo: string,
  subject: Desc,
  kind: 'signature' | 'attestation',
  layers: LegacyLayer[],
  manifestSubject: Desc = subject,
): Promise<Desc> {
  const artifactType = kind === 'signature' ? 'application/vnd.dev.cosign.artifact.sig.v1+json' : IN_TOTO;
  const config = await pushBlob(registry, repo, Buffer.from('{}'), EMPTY);
  const pushed: Desc[] = [];
  for (const l of layers) pushed.push({ ...(await pushBlob(registry, repo, l.payload, l.mediaType)), annotations: l.annotations });
  const annotations = { 'org.opencontainers.image.created': '2026-05-01T10:00:00Z' };
  const doc = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    // cosign's WriteReferrer names the artifact type on the empty config's descriptor too.
    config: { ...config, artifactType },
    layers: pushed,
    subject: { mediaType: manifestSubject.mediaType, digest: manifestSubject.digest, size: manifestSubject.size },
    annotations,
  };
  const desc = await putManifest(registry, repo, describeBytes(Buffer.from(JSON.stringify(doc)), OCI_MANIFEST).digest, doc, OCI_MANIFEST);
  const existing = await getManifest(registry, repo, fallbackTag(subject.digest));
  await writeFallbackIndex(registry, repo, subject, [...(existing.doc?.manifests ?? []), { ...desc, artifactType, annotations }]);
  return desc;
}

/** cosign's simple-signing payload for an image. */
export function simpleSigning(reference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

/** A `.sig` layer signed with a key: the signature (base64) in cosign's annotation, nothing else. */
export function keyedSigLayer(key: KeyObject, payload: Buffer): LegacyLayer {
  return {
    payload,
    mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
    annotations: { 'dev.cosignproject.cosign/signature': signData('sha256', payload, key).toString('base64') },
  };
}

/** A `.sig` layer from a keyless message-signature bundle, its parts in cosign's annotations (pkg/oci/static). */
export function keylessSigLayer(bundle: Bundle, payload: Buffer): LegacyLayer {
  const json = bundleToJSON(bundle) as unknown as {
    messageSignature: { signature: string };
    verificationMaterial: {
      x509CertificateChain?: { certificates: Array<{ rawBytes: string }> };
      certificate?: { rawBytes: string };
      tlogEntries: Array<{
        logIndex: string;
        logId: { keyId: string };
        integratedTime: string;
        inclusionPromise: { signedEntryTimestamp: string };
        canonicalizedBody: string;
      }>;
    };
  };
  const raw = json.verificationMaterial.x509CertificateChain?.certificates[0].rawBytes ?? json.verificationMaterial.certificate!.rawBytes;
  const pem = `-----BEGIN CERTIFICATE-----\n${raw.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const entry = json.verificationMaterial.tlogEntries[0];
  const annotations: Record<string, string> = {
    'dev.cosignproject.cosign/signature': json.messageSignature.signature,
    'dev.sigstore.cosign/certificate': pem,
    'dev.sigstore.cosign/chain': '',
  };
  if (entry) {
    annotations['dev.sigstore.cosign/bundle'] = JSON.stringify({
      SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
      Payload: {
        body: entry.canonicalizedBody,
        integratedTime: Number(entry.integratedTime),
        logIndex: Number(entry.logIndex),
        logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
      },
    });
  }
  return { payload, mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', annotations };
}

/** DSSE's pre-authentication encoding, written out here from the spec: what a DSSE signature signs. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `), payload]);
}

/** A `.att` layer signed with a key: the DSSE envelope as the layer, the predicate type annotated. */
export function keyedAttLayer(key: KeyObject, statement: Buffer, predicateType: string): LegacyLayer {
  const sig = signData('sha256', pae(IN_TOTO, statement), key);
  const envelope = {
    payloadType: IN_TOTO,
    payload: statement.toString('base64'),
    signatures: [{ keyid: '', sig: sig.toString('base64') }],
  };
  return {
    payload: Buffer.from(JSON.stringify(envelope)),
    mediaType: 'application/vnd.dsse.envelope.v1+json',
    annotations: { predicateType },
  };
}

/** An RFC 3161 stamp of `bytes` from the world's TSA, as cosign asks for one (the hash of the bytes it stamps). */
export async function tsaStamp(world: SigstoreWorld, bytes: Buffer): Promise<Buffer> {
  // The witness stamps a message signature's bytes: any bytes put in that place are what it stamps.
  const stamped = await new TSAWitness({ tsaBaseURL: world.tsaUrl }).testify({
    $case: 'messageSignature',
    messageSignature: {
      signature: bytes,
      messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: createHash('sha256').update(bytes).digest() },
    },
  });
  return Buffer.from(stamped.rfc3161Timestamps![0].signedTimestamp);
}

/**
 * A keyless DSSE bundle whose log entry, when `rekor`, is a `dsse` v0.0.1 entry, as cosign attest
 * uploads one since v2.2 (its `--rekor-entry-type` default; v2.0 and v2.1 uploaded `intoto` v0.0.1).
 */
export async function cosignAttestBundle(world: SigstoreWorld, statement: Buffer, rekor: boolean): Promise<Bundle> {
  const witnesses: Witness[] = rekor ? [new RekorWitness({ rekorBaseURL: world.rekorUrl })] : [];
  return new DSSEBundleBuilder({ signer: fulcioSigner(world), witnesses }).create({ data: statement, type: IN_TOTO });
}

/**
 * A keyless `.att` layer as cosign attest writes it (pkg/oci/static, cmd/cosign/cli/attest): the DSSE
 * envelope as the layer, the certificate and chain (PEM), the Rekor entry with its signed entry
 * timestamp when logged, and `dev.sigstore.cosign/rfc3161timestamp` holding `stamp`, which cosign
 * asks over the layer's bytes (verify.go: "for attestations … we rely on the signed payload").
 */
export async function keylessAttLayer(
  bundle: Bundle,
  predicateType: string,
  stamp?: (layer: Buffer) => Promise<Buffer>,
): Promise<LegacyLayer> {
  const json = bundleToJSON(bundle) as unknown as {
    dsseEnvelope: { payload: string; payloadType: string; signatures: Array<{ sig: string; keyid?: string }> };
    verificationMaterial: {
      x509CertificateChain?: { certificates: Array<{ rawBytes: string }> };
      certificate?: { rawBytes: string };
      tlogEntries?: Array<{
        logIndex: string;
        logId: { keyId: string };
        integratedTime: string;
        inclusionPromise: { signedEntryTimestamp: string };
        canonicalizedBody: string;
      }>;
    };
  };
  const env = json.dsseEnvelope;
  const payload = Buffer.from(
    JSON.stringify({
      payloadType: env.payloadType,
      payload: env.payload,
      signatures: env.signatures.map((s) => ({ keyid: '', sig: s.sig })),
    }),
  );
  const raw = json.verificationMaterial.x509CertificateChain?.certificates[0].rawBytes ?? json.verificationMaterial.certificate!.rawBytes;
  const annotations: Record<string, string> = {
    predicateType,
    'dev.sigstore.cosign/certificate': `-----BEGIN CERTIFICATE-----\n${raw.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`,
    'dev.sigstore.cosign/chain': '',
  };
  const entry = json.verificationMaterial.tlogEntries?.[0];
  if (entry) {
    annotations['dev.sigstore.cosign/bundle'] = JSON.stringify({
      SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
      Payload: {
        body: entry.canonicalizedBody,
        integratedTime: Number(entry.integratedTime),
        logIndex: Number(entry.logIndex),
        logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
      },
    });
  }
  if (stamp)
    annotations['dev.sigstore.cosign/rfc3161timestamp'] = JSON.stringify({
      SignedRFC3161Timestamp: (await stamp(payload)).toString('base64'),
    });
  return { payload, mediaType: 'application/vnd.dsse.envelope.v1+json', annotations };
}

/**
 * Logs `layer` (a keyless `.att` layer) in the world's Rekor as an `intoto` v0.0.1 entry, the body
 * real Rekor keeps for what cosign 2.0 and 2.1 uploaded (rekor pkg/types/intoto/v0.0.1: the
 * envelope's and payload's hashes and the certificate, not the envelope), and puts the entry and its
 * signed entry timestamp in the layer's `dev.sigstore.cosign/bundle` annotation.
 */
export async function logAsIntoto001(world: SigstoreWorld, layer: LegacyLayer): Promise<LegacyLayer> {
  const envelope = JSON.parse(layer.payload.toString()) as { payload: string };
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const body = {
    apiVersion: '0.0.1',
    kind: 'intoto',
    spec: {
      content: {
        hash: { algorithm: 'sha256', value: sha(layer.payload) },
        payloadHash: { algorithm: 'sha256', value: sha(Buffer.from(envelope.payload, 'base64')) },
      },
      publicKey: Buffer.from(layer.annotations['dev.sigstore.cosign/certificate']).toString('base64'),
    },
  };
  const res = await fetch(`${world.rekorUrl}/api/v1/log/entries`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`the world's Rekor answered ${res.status}: ${await res.text()}`);
  const entry = Object.values((await res.json()) as Record<string, Record<string, any>>)[0];
  return {
    ...layer,
    annotations: {
      ...layer.annotations,
      'dev.sigstore.cosign/bundle': JSON.stringify({
        SignedEntryTimestamp: entry.verification.signedEntryTimestamp,
        Payload: { body: entry.body, integratedTime: entry.integratedTime, logIndex: entry.logIndex, logID: entry.logID },
      }),
    },
  };
}
