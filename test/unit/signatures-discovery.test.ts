import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { ACTION_VOICE } from '../../src/settings/voice.js';
import { MediaType } from '../../src/oci/media-types.js';
import { SignatureRefusedError } from '../../src/signatures/errors.js';
import { parseVerifyPolicy } from '../../src/signatures/policy.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { addBlob, addImage, addJson } from '../support/memory-images.js';
import { BUNDLE_TYPE, keyedSigLayer, simpleSigning } from '../support/signature-artifacts.js';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyPolicy = () => parseVerifyPolicy({ key: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() }, ACTION_VOICE)!;

function image(target: MemoryTarget) {
  return addImage(target, [addBlob(target, MediaType.OciLayerGzip, 64)]);
}

/** A referrer manifest with a `subject` and one bundle layer holding `bundle`. */
function bundleReferrer(target: MemoryTarget, subject: { mediaType: string; digest: string; size: number }, bundle: string) {
  const config = addBlob(target, MediaType.OciEmpty, Buffer.from('{}'));
  const layer = addBlob(target, BUNDLE_TYPE, Buffer.from(bundle));
  return addJson(target, MediaType.OciManifest, {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: BUNDLE_TYPE,
    config,
    layers: [layer],
    subject,
    annotations: { n: bundle },
  });
}

describe('finding signatures in any target', () => {
  it('reads at most 64 signatures of a digest, and says the rest were not read, first', async () => {
    const target = new MemoryTarget();
    const root = image(target);
    for (let i = 0; i < 66; i++) bundleReferrer(target, root, `{"n":${i}}`);
    await assert.rejects(verifyImage(target, root, keyPolicy()), (err: unknown) => {
      assert.ok(err instanceof SignatureRefusedError);
      assert.equal(err.found.length, 65);
      assert.match(
        err.message,
        /: found 65: a bundle signature \(2 more signature manifests\): not read: at most 64 signatures are looked at for one digest; a bundle signature \(referrer sha256:[0-9a-f]{64}\): its bundle is malformed: it lacks or mangles [^;]+; .*; and 60 more; required key SHA256:/,
      );
      return true;
    });
  });

  it("finds cosign's .sig by tag in a target that lists its tags, and a key signature there satisfies a key policy", async () => {
    const target = new MemoryTarget();
    const root = image(target);
    const layer = keyedSigLayer(keys.privateKey, simpleSigning('example.com/app', root.digest));
    const payload = addBlob(target, layer.mediaType, layer.payload);
    const config = addJson(target, MediaType.OciConfig, { rootfs: { type: 'layers', diff_ids: [payload.digest] } });
    const sig = addJson(target, MediaType.OciManifest, {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config,
      layers: [{ ...payload, annotations: layer.annotations }],
    });
    target.tagged.set(`${root.digest.replace(':', '-')}.sig`, sig);
    const record = await verifyImage(target, root, keyPolicy());
    assert.deepEqual(
      record.found.map((f) => [f.form, f.where, f.accepted]),
      [['legacy', `tag ${root.digest.replace(':', '-')}.sig`, true]],
    );

    // The payload is what was signed: a signature over other bytes does not verify.
    const forged = addBlob(
      target,
      layer.mediaType,
      Buffer.from(simpleSigning('example.com/app', root.digest).toString().replace('example.com', 'evil.example')),
    );
    const forgedConfig = addJson(target, MediaType.OciConfig, { rootfs: { type: 'layers', diff_ids: [forged.digest] } });
    const sig2 = addJson(target, MediaType.OciManifest, {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: forgedConfig,
      layers: [
        {
          ...forged,
          annotations: { 'dev.cosignproject.cosign/signature': sign('sha256', Buffer.from('other'), keys.privateKey).toString('base64') },
        },
      ],
    });
    target.tagged.set(`${root.digest.replace(':', '-')}.sig`, sig2);
    await assert.rejects(
      verifyImage(target, root, keyPolicy()),
      /: found 1: a legacy signature \(tag sha256-[0-9a-f]{64}\.sig\): its signature does not verify \(the content or the key differs from what was signed\); required key /,
    );
  });
});
