// The destination check and the engine's putBack on memory targets: what a walk names (by digest,
// with its place in the graph), that a shared blob is asked for once per repository, and that a
// repair's copy pushes exactly the nodes it is given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphCopier } from '../../src/copy/graph-copier.js';
import { DestinationCheck } from '../../src/integrity/destination-check.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { addBlob, addJson, addMultiPlatformImage } from '../support/memory-images.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { MediaType } from '../../src/oci/media-types.js';

async function mirrored(): Promise<{ src: MemoryTarget; dst: MemoryTarget; image: ReturnType<typeof addMultiPlatformImage> }> {
  const src = new MemoryTarget('src');
  const image = addMultiPlatformImage(src, '1.0');
  const dst = new MemoryTarget('dst');
  await new GraphCopier(src, dst).copy(image.index);
  return { src, dst, image };
}

describe('the destination check', () => {
  it('finds nothing wrong with a whole copy, and asks for a shared blob once however many images name it', async () => {
    const { dst, image } = await mirrored();
    const check = new DestinationCheck();
    dst.calls.exists = 0;
    const first = await check.walk(dst, image.index);
    const second = await check.walk(dst, image.index);
    assert.deepEqual([first.problems, second.problems], [[], []]);
    assert.equal(first.manifests.length, 3);
    assert.equal(first.blobs, 5, 'two configs, the shared layer and one layer each');
    assert.equal(dst.calls.exists, 5, 'each distinct blob once, for both walks');
  });

  it('names a missing blob and a missing child manifest by digest and place; deep names other bytes of the same size', async () => {
    const { dst, image } = await mirrored();
    const [amd, arm] = image.all.filter((d) => d.mediaType.endsWith('manifest.v1+json'));
    dst.blobs.delete(image.shared.digest);
    dst.blobs.delete(arm.digest);
    const found = await new DestinationCheck().walk(dst, image.index);
    assert.deepEqual(
      found.problems.map((p) => [p.kind, p.digest, p.where]).sort(),
      [
        ['missing-blob', image.shared.digest, 'dst'],
        ['missing-manifest', arm.digest, 'dst'],
      ].sort(),
    );
    assert.ok(found.problems.some((p) => p.detail === `missing blob ${image.shared.digest} (layer of linux/amd64 manifest ${amd.digest})`));
    assert.ok(
      found.problems.some((p) =>
        p.detail.startsWith(`child manifest ${arm.digest} (linux/arm64/v8, of index ${image.index.digest}) not found`),
      ),
    );

    const { dst: other, image: second } = await mirrored();
    const layer = second.all.find((d) => d.size === 2000)!;
    const kept = other.blobs.get(layer.digest)!;
    const flipped = Buffer.from(kept.content);
    flipped[10] ^= 0xff;
    other.blobs.set(layer.digest, { ...kept, content: flipped });
    assert.deepEqual((await new DestinationCheck().walk(other, second.index)).problems, [], 'a HEAD cannot tell');
    const deep = await new DestinationCheck({ deep: true }).walk(other, second.index);
    assert.deepEqual(
      deep.problems.map((p) => p.kind),
      ['hash'],
    );
    assert.match(deep.problems[0].detail, /: bytes hash to sha256:[0-9a-f]{64} \(deep\)$/);
  });

  it('checks referrers of referrers: a signature of an attestation missing from the destination is named', async () => {
    const src = new MemoryTarget('src');
    const image = addMultiPlatformImage(src, '1.0');
    const empty = addBlob(src, 'application/vnd.oci.empty.v1+json', Buffer.from('{}'));
    const referrer = (subject: Descriptor, artifactType: string, payload: string) =>
      addJson(src, MediaType.OciManifest, {
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType,
        config: empty,
        layers: [addBlob(src, 'application/octet-stream', Buffer.from(payload))],
        subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      });
    const attestation = referrer(image.index, 'application/vnd.example.attestation', 'attestation');
    const signature = referrer(attestation, 'application/vnd.example.signature', 'signature of the attestation');
    const dst = new MemoryTarget('dst');
    const copier = new GraphCopier(src, dst, { referrers: true });
    await copier.copy(image.index);
    await copier.copyReferrers();
    const check = new DestinationCheck();
    const clean = await check.referrers(src, dst, [image.index]);
    assert.deepEqual(clean.problems, []);
    assert.deepEqual(clean.checked.map((r) => r.digest).sort(), [attestation.digest, signature.digest].sort());
    dst.blobs.delete(signature.digest);
    const found = await new DestinationCheck().referrers(src, dst, [image.index]);
    assert.deepEqual(
      found.problems.map((p) => [p.kind, p.digest]),
      [
        ['referrer', signature.digest],
        ['missing-manifest', signature.digest],
      ],
    );
    assert.match(found.problems[0].detail, new RegExp(`of ${attestation.digest} is not among the referrers of ${attestation.digest}$`));
    assert.ok(found.faulty.has(signature.digest), 'what a repair puts back');
  });

  it('a copy with putBack pushes exactly those nodes and asks the destination nothing', async () => {
    const { src, dst, image } = await mirrored();
    const [, arm] = image.all.filter((d) => d.mediaType.endsWith('manifest.v1+json'));
    dst.blobs.delete(image.shared.digest);
    dst.blobs.delete(arm.digest);
    dst.calls.exists = 0;
    dst.calls.push = 0;
    await new GraphCopier(src, dst, { putBack: new Set([image.shared.digest, arm.digest]) }).copy(image.index);
    assert.deepEqual([dst.calls.exists, dst.calls.push], [0, 2]);
    assert.deepEqual((await new DestinationCheck().walk(dst, image.index)).problems, []);
  });
});
