// A layer larger than a registry is known to take fails the copy as soon as its manifest is read:
// one line naming the layer, its size and the limit, and no upload is ever opened.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GraphCopier } from '../../src/copy/graph-copier.js';
import { parseReference, type RegistryReference } from '../../src/oci/reference.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { HttpClient } from '../../src/targets/registry/http.js';
import { knownLayerLimit } from '../../src/targets/registry/known-limits.js';
import { openRegistryRepository } from '../../src/targets/registry/repository.js';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('known registry limits', () => {
  it('knows GHCR, ECR and ECR Public by host, and nothing of other registries', () => {
    assert.deepEqual(knownLayerLimit('ghcr.io'), { bytes: 10_000_000_000, stated: '10 GB' });
    assert.equal(knownLayerLimit('123456789012.dkr.ecr.eu-west-1.amazonaws.com')?.bytes, 52_000 * 1024 * 1024);
    assert.equal(knownLayerLimit('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')?.stated, '52,000 MiB');
    assert.equal(knownLayerLimit('public.ecr.aws')?.bytes, 10_000 * 1024 * 1024);
    for (const other of ['docker.io', 'registry-1.docker.io', 'quay.io', '127.0.0.1:5000', 'ghcr.io.example.com', 'evil-ghcr.io']) {
      assert.equal(knownLayerLimit(other), undefined, other);
    }
  });

  describe('a copy to GHCR of a 12 GB layer', () => {
    let dir: string;
    let layerDigest: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'oci-copy-limits-'));
      await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
      const put = async (bytes: Buffer) => {
        const digest = sha(bytes);
        await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
        return { digest, size: bytes.length };
      };
      const config = await put(Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'));
      // The descriptor alone says 12 GB: nothing reads the layer before the limit refuses it.
      layerDigest = sha('a layer never read');
      const manifest = await put(
        Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
            layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: 12_000_000_000 }],
          }),
        ),
      );
      await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
      await writeFile(
        join(dir, 'index.json'),
        JSON.stringify({
          schemaVersion: 2,
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              ...manifest,
              annotations: { 'org.opencontainers.image.ref.name': 'v1' },
            },
          ],
        }),
      );
    });
    after(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('fails within seconds, naming the layer, its size and the limit, before any upload', async () => {
      const writes: string[] = [];
      const http = new HttpClient({
        retry: { maxTries: 1 },
        observer: (e) => {
          if ((e.type === 'response' || e.type === 'failure') && e.method !== 'GET' && e.method !== 'HEAD') writes.push(e.method);
        },
      });
      const dstRef = parseReference('ghcr.io/acme/huge:v1') as RegistryReference;
      const started = Date.now();
      try {
        await assert.rejects(
          (async () => {
            const src = await openLayout(dir);
            // The engine itself, below the job (which would first read the destination's tag): its first request is the manifest's HEAD.
            await new GraphCopier(src, openRegistryRepository(dstRef, { http })).copy(await src.resolve('v1'));
          })(),
          (err: Error) => {
            assert.doesNotMatch(err.message, /\n/);
            assert.match(
              err.message,
              new RegExp(
                `^pushing blob ${layerDigest} to \\[registry\\] ghcr\\.io/acme/huge: the layer of manifest sha256:[0-9a-f]{64} is 12\\.0 GB \\(12000000000 bytes\\), more than the registry takes \\(10 GB per layer\\): refused before any byte moved; `,
              ),
            );
            return true;
          },
        );
      } finally {
        await http.close();
      }
      assert.ok(Date.now() - started < 5000, 'within seconds');
      assert.deepEqual(writes, [], 'no upload was opened');
    });
  });
});
