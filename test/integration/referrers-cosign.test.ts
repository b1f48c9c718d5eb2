import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CopyEvent } from '../../src/copy/events.js';
import { eventLine } from '../../src/job/render/event-lines.js';
import { copyRefs } from '../support/copy-refs.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { cosignTag, getManifest, pushCosignAttachment, type Desc } from '../support/referrer-artifacts.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeo, skopeoInspectRaw } from '../support/skopeo.js';

type ReferrersEvent = Extract<CopyEvent, { type: 'referrers' }>;
const referrerEvents = (events: CopyEvent[]) => events.filter((e): e is ReferrersEvent => e.type === 'referrers');
const lines = (events: CopyEvent[]) => events.map(eventLine).filter((l): l is string => l !== undefined);

describe('cosign tag attachments (sha256-<hex>.sig, .att, .sbom) with referrers', () => {
  let source: TestRegistry;
  let target: TestRegistry;
  let work: string;
  let image: ImageLayout;
  let signature: Desc;
  let attestation: Desc;

  before(async () => {
    [source, target] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-cosign-'));
    image = await makeImageLayout(join(work, 'seed'), { tag: '1.2', platforms: [{ architecture: 'amd64', layers: [{ size: 12_000 }] }] });
    await pushLayoutWithSkopeo(image.dir, '1.2', `${source.host}/src/app`);
    signature = await pushCosignAttachment(
      source,
      'src/app',
      image.root,
      'sig',
      JSON.stringify({ critical: { image: { 'docker-manifest-digest': image.root.digest } } }),
    );
    attestation = await pushCosignAttachment(
      source,
      'src/app',
      image.root,
      'att',
      '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[]}',
    );
  });

  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('copies the signature and attestation with their graphs, tags them the same, before the image tag', async () => {
    await target.resetRequests();
    const { events } = await copyRefs(`${source.host}/src/app:1.2`, `${target.host}/dst/app:1.2`, { referrers: true });
    // skopeo, not the code under test, reads what the destination holds under the cosign tags
    for (const [d, suffix] of [
      [signature, 'sig'],
      [attestation, 'att'],
    ] as const) {
      const tag = cosignTag(image.root, suffix);
      const raw = await skopeoInspectRaw(`${target.host}/dst/app:${tag}`);
      assert.equal(raw, await skopeoInspectRaw(`${source.host}/src/app:${tag}`), `${tag} holds the same manifest`);
      assert.equal((await getManifest(target, 'dst/app', d.digest)).status, 200);
    }
    // every blob of the signature is there to pull
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${target.host}/dst/app:${cosignTag(image.root, 'sig')}`,
      `oci:${join(work, 'pulled-sig')}:sig`,
    ]);

    const puts = (await target.settledRequests()).filter((q) => q.method === 'PUT' && q.path.includes('/manifests/')).map((q) => q.path);
    assert.equal(puts.at(-1), '/v2/dst/app/manifests/1.2', 'the image is tagged last');
    assert.ok(puts.includes(`/v2/dst/app/manifests/${cosignTag(image.root, 'sig')}`));

    const [found] = referrerEvents(events).filter((e) => e.node.digest === image.root.digest);
    assert.equal(found.depth, 0);
    assert.deepEqual(
      found.referrers.map((r) => [r.kind, r.tool, r.digest, r.tag]),
      [
        ['signature', 'cosign', signature.digest, cosignTag(image.root, 'sig')],
        ['attestation', 'cosign', attestation.digest, cosignTag(image.root, 'att')],
      ],
    );
    assert.ok(
      lines(events).includes(`2 referrers of ${image.root.digest}: signature (cosign), attestation (cosign)`),
      lines(events).join('\n'),
    );
    assert.ok(lines(events).includes(`Tagged  ${cosignTag(image.root, 'sig')}`));
  });

  it('says "no referrers found" for a manifest that has none', async () => {
    const bare = await makeImageLayout(join(work, 'bare'), {
      tag: 'v1',
      platforms: [{ architecture: 'arm64', layers: [{ size: 3_000 }] }],
    });
    await pushLayoutWithSkopeo(bare.dir, 'v1', `${source.host}/src/bare`);
    const { events } = await copyRefs(`${source.host}/src/bare:v1`, `${target.host}/dst/bare:v1`, { referrers: true });
    assert.deepEqual(
      referrerEvents(events).map((e) => [e.node.digest, e.referrers.length]),
      [[bare.root.digest, 0]],
    );
    assert.ok(lines(events).includes(`no referrers found for ${bare.root.digest}`));
  });

  it('goes through an archive as tags and comes back as them', async () => {
    const archive = join(work, 'bundle.tar');
    await copyRefs(`${source.host}/src/app:1.2`, `oci-archive:${archive}:1.2`, { referrers: true });
    // the archive's index lists the attachments under their cosign tags, as skopeo reads them
    const listed = new Map<string, string>();
    const indexJson = JSON.parse((await readTarEntry(archive, 'index.json')).toString()) as { manifests: Desc[] };
    for (const m of indexJson.manifests) listed.set(m.annotations?.['org.opencontainers.image.ref.name'] ?? '', m.digest);
    assert.equal(listed.get(cosignTag(image.root, 'sig')), signature.digest);
    assert.equal(listed.get(cosignTag(image.root, 'att')), attestation.digest);
    assert.equal(listed.get('1.2'), image.root.digest);
    assert.equal(
      await skopeoInspectRaw(`oci-archive:${archive}:${cosignTag(image.root, 'sig')}`),
      await skopeoInspectRaw(`${source.host}/src/app:${cosignTag(image.root, 'sig')}`),
    );

    // No tag named: the archive's one image is found, not an attachment.
    const { root, events } = await copyRefs(`oci-archive:${archive}`, `${target.host}/back/app`, { referrers: true });
    assert.equal(root.digest, image.root.digest);
    assert.equal(
      await skopeoInspectRaw(`${target.host}/back/app:${cosignTag(image.root, 'sig')}`),
      await skopeoInspectRaw(`${source.host}/src/app:${cosignTag(image.root, 'sig')}`),
    );
    assert.equal((await getManifest(target, 'back/app', '1.2')).status, 200);
    assert.deepEqual(
      referrerEvents(events)[0].referrers.map((r) => r.tag),
      [cosignTag(image.root, 'sig'), cosignTag(image.root, 'att')],
    );
  });

  it('asks for each cosign tag when the registry refuses to list tags', async () => {
    let proxy: FaultProxy | undefined;
    try {
      proxy = await startFaultProxy(source.url);
      proxy.addFault({
        method: 'GET',
        path: /\/tags\/list/,
        times: Infinity,
        fault: { kind: 'status', status: 403, body: '{"errors":[{"code":"DENIED","message":"listing tags is not allowed"}]}' },
      });
      const { events } = await copyRefs(`${proxy.host}/src/app:1.2`, `${target.host}/heads/app:1.2`, { referrers: true });
      assert.ok(proxy.fired().length >= 1, 'the listing was refused');
      const heads = proxy
        .requests()
        .filter((q) => q.method === 'HEAD' && q.path.startsWith(`/v2/src/app/manifests/${image.root.digest.replace(':', '-')}.`));
      assert.deepEqual(heads.map((q) => q.path.split('.').pop()).sort(), ['att', 'sbom', 'sig'], 'one HEAD per cosign tag of the image');
      assert.equal(
        await skopeoInspectRaw(`${target.host}/heads/app:${cosignTag(image.root, 'sig')}`),
        await skopeoInspectRaw(`${source.host}/src/app:${cosignTag(image.root, 'sig')}`),
      );
      assert.deepEqual(
        referrerEvents(events)[0].referrers.map((r) => r.kind),
        ['signature', 'attestation'],
      );
    } finally {
      await proxy?.stop();
    }
  });

  it('without referrers, the cosign tags stay behind', async () => {
    await copyRefs(`${source.host}/src/app:1.2`, `${target.host}/plain/app:1.2`);
    assert.equal((await getManifest(target, 'plain/app', cosignTag(image.root, 'sig'))).status, 404);
  });
});

/** One entry of a tar file, read with tar(1): nothing of the code under test. */
async function readTarEntry(archive: string, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-xOf', archive, name], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`tar exited with ${code}`))));
  });
}
