// A Notation signature and an SPDX SBOM, pushed as notation and oras push them, ride along with
// `referrers: true` byte for byte: through the bundled action from registry to registry, and through
// the command line into an OCI layout and on to a registry. The registry (distribution 2.8) has no
// referrers API: each client lists its referrer in the subject's `sha256-<hex>` index.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseReference, type RegistryReference } from '../../src/oci/reference.js';
import { openRegistryRepository } from '../../src/targets/registry/index.js';
import { sha } from '../support/blobs.js';
import { runCli } from '../support/cli.js';
import { makeImageLayout, pushLayoutWithSkopeo, type TestDescriptor } from '../support/images.js';
import {
  describeBytes,
  EMPTY,
  fallbackTag,
  getManifest,
  OCI_INDEX,
  OCI_MANIFEST,
  pushBlob,
  putManifest,
  writeFallbackIndex,
  type Desc,
} from '../support/referrer-artifacts.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

const NOTATION = 'application/vnd.cncf.notary.signature';
const JWS = 'application/jose+json';
const SPDX = 'application/spdx+json';
const THUMBPRINTS = 'io.cncf.notary.x509chain.thumbprint#S256';

/**
 * A referrer manifest as oras-go packs it for notation and `oras attach` (image manifest v1.1:
 * `artifactType`, the empty config `{}`, `subject`, `org.opencontainers.image.created`).
 */
async function pushArtifact(
  registry: TestRegistry,
  repo: string,
  subject: Desc,
  artifactType: string,
  layer: { bytes: Buffer; mediaType: string; annotations?: Record<string, string> },
  annotations: Record<string, string>,
): Promise<{ desc: Desc; bytes: Buffer; layer: Desc }> {
  const config = await pushBlob(registry, repo, Buffer.from('{}'), EMPTY);
  const pushed = await pushBlob(registry, repo, layer.bytes, layer.mediaType);
  const doc = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config,
    layers: [{ ...pushed, ...(layer.annotations ? { annotations: layer.annotations } : {}) }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { ...annotations, 'org.opencontainers.image.created': '2026-11-30T08:00:00Z' },
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  const desc = await putManifest(registry, repo, describeBytes(bytes, OCI_MANIFEST).digest, doc, OCI_MANIFEST);
  return { desc: { ...desc, artifactType, annotations: doc.annotations }, bytes, layer: pushed };
}

/** A JWS envelope as notation writes one (JSON serialization, the certificate chain in the unprotected header). */
function notationEnvelope(subject: TestDescriptor): Buffer {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  const protectedHeader = b64url(
    JSON.stringify({
      alg: 'ES256',
      crit: ['io.cncf.notary.signingScheme'],
      cty: 'application/vnd.cncf.notary.payload.v1+json',
      'io.cncf.notary.signingScheme': 'notary.x509',
      'io.cncf.notary.signingTime': '2026-11-30T08:00:00Z',
    }),
  );
  const payload = b64url(JSON.stringify({ targetArtifact: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } }));
  const signature = sign('sha256', Buffer.from(`${protectedHeader}.${payload}`), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
  return Buffer.from(
    JSON.stringify({
      payload,
      protected: protectedHeader,
      header: {
        x5c: [keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')],
        'io.cncf.notary.signingAgent': 'notation-go/1.3.0',
      },
      signature: b64url(signature),
    }),
  );
}

const SBOM = Buffer.from(
  JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'app',
    documentNamespace: 'https://example.com/spdx/app-1.0',
    creationInfo: { created: '2026-11-30T08:00:00Z', creators: ['Tool: syft-1.18.0'] },
    packages: [{ SPDXID: 'SPDXRef-Package-musl', name: 'musl', versionInfo: '1.2.5', downloadLocation: 'NOASSERTION' }],
  }),
);

describe('a Notation signature and an SPDX SBOM ride along unchanged', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let work: string;
  let subject: TestDescriptor;
  let notation: Awaited<ReturnType<typeof pushArtifact>>;
  let sbom: Awaited<ReturnType<typeof pushArtifact>>;
  let envelope: Buffer;

  before(async () => {
    [source, target] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-notation-spdx-'));
    const image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [{ architecture: 'amd64', layers: [{ size: 5_000 }] }],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${source.host}/src/app`);
    subject = image.root;
    envelope = notationEnvelope(subject);
    notation = await pushArtifact(
      source,
      'src/app',
      subject,
      NOTATION,
      { bytes: envelope, mediaType: JWS },
      { [THUMBPRINTS]: `["${sha(envelope).slice(7)}"]` },
    );
    sbom = await pushArtifact(
      source,
      'src/app',
      subject,
      SPDX,
      { bytes: SBOM, mediaType: SPDX, annotations: { 'org.opencontainers.image.title': 'app.spdx.json' } },
      {},
    );
    await writeFallbackIndex(source, 'src/app', subject, [notation.desc, sbom.desc]);
  });

  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** The destination holds each referrer with the same bytes (its manifest and its layer), and lists it as the source did. */
  async function assertArrived(registry: TestRegistry, repo: string): Promise<void> {
    for (const [what, art, layerBytes] of [
      ['the Notation signature', notation, envelope],
      ['the SPDX SBOM', sbom, SBOM],
    ] as const) {
      const res = await fetch(`${registry.url}/v2/${repo}/manifests/${art.desc.digest}`, { headers: { Accept: OCI_MANIFEST } });
      assert.equal(res.status, 200, `${what} is at the destination`);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.ok(bytes.equals(art.bytes), `${what}'s manifest is byte for byte the source's`);
      assert.equal(sha(bytes), art.desc.digest);
      const layer = Buffer.from(await (await fetch(`${registry.url}/v2/${repo}/blobs/${art.layer.digest}`)).arrayBuffer());
      assert.ok(layer.equals(layerBytes), `${what}'s layer is unchanged`);
    }
    const index = await getManifest(registry, repo, fallbackTag(subject.digest));
    assert.equal(index.status, 200, 'the sha256-<hex> index is written');
    assert.equal(index.doc!.mediaType, OCI_INDEX);
    const listed = [...index.doc!.manifests].sort((a, b) => a.digest.localeCompare(b.digest));
    const expected = [notation.desc, sbom.desc].sort((a, b) => a.digest.localeCompare(b.digest));
    assert.deepEqual(
      listed.map((d) => [d.digest, d.size, d.artifactType, d.annotations]),
      expected.map((d) => [d.digest, d.size, d.artifactType, d.annotations]),
    );
    // The referrers API, where a registry has one; distribution 2.8 answers 404, and a client
    // (oci-copy's own here) finds both through the index instead.
    const api = await fetch(`${registry.url}/v2/${repo}/referrers/${subject.digest}`);
    await api.arrayBuffer();
    assert.equal(api.status, 404);
    const repository = openRegistryRepository(parseReference(`${registry.host}/${repo}`) as RegistryReference);
    try {
      const found = await repository.referrers(subject);
      assert.deepEqual(found.map((d) => [d.digest, d.artifactType]).sort(), expected.map((d) => [d.digest, d.artifactType]).sort());
    } finally {
      await repository.close('success');
    }
  }

  it('through the bundled action with referrers: true, registry to registry, naming each in the log', async () => {
    const run = await runAction({
      source: `${source.host}/src/app:v1`,
      destination: `${target.host}/action/app:v1`,
      referrers: 'true',
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    await assertArrived(target, 'action/app');
    assert.match(
      run.stdout,
      new RegExp(
        `2 referrers of ${subject.digest}: (signature \\(notation\\), SBOM \\(application/spdx\\+json\\)|SBOM \\(application/spdx\\+json\\), signature \\(notation\\))`,
      ),
    );
  });

  it('through the command line with --referrers, into an OCI layout and from it to a registry', async () => {
    const layout = join(work, 'hop');
    const home = join(work, 'home');
    const toLayout = await runCli([`${source.host}/src/app:v1`, `oci:${layout}:v1`, '--referrers', '--no-blob-cache'], { home });
    assert.equal(toLayout.code, 0, toLayout.stderr);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Desc[] };
    for (const art of [notation, sbom]) {
      const entry = index.manifests.find((d) => d.digest === art.desc.digest);
      assert.ok(entry, `the layout's index lists ${art.desc.artifactType}`);
      assert.equal(entry.artifactType, art.desc.artifactType);
      assert.ok((await readFile(join(layout, 'blobs', 'sha256', art.desc.digest.slice(7)))).equals(art.bytes));
    }
    const onward = await runCli([`oci:${layout}:v1`, `${target.host}/hop/app:v1`, '--referrers', '--no-blob-cache'], { home });
    assert.equal(onward.code, 0, onward.stderr);
    await assertArrived(target, 'hop/app');
  });
});
