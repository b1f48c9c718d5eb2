// A release promotion as a release engineer runs one: a two-platform image with a cosign signature
// and an SBOM, promoted to two repositories (one on another registry, one where the tag `latest`
// names an older release) and to a registry that is down. Used by the summary tests and by
// scripts/summary-preview.mjs, which renders the job summaries as GitHub would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRegistry, type TestRegistry } from './registry.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from './images.js';
import { pushCosignAttachment, pushReferrer, writeFallbackIndex } from './referrer-artifacts.js';
import { runAction, type ActionRun } from './run-action.js';

export interface PromotionScenario {
  src: TestRegistry;
  dst: TestRegistry;
  image: ImageLayout;
  older: ImageLayout;
  /** A registry address nothing listens on. */
  down: string;
  run(inputs?: Record<string, string>): Promise<ActionRun>;
  stop(): Promise<void>;
}

export async function startPromotionScenario(): Promise<PromotionScenario> {
  const work = await mkdtemp(join(tmpdir(), 'oci-copy-promotion-'));
  const [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  const image = await makeImageLayout(join(work, 'app'), {
    tag: '1.2.0',
    sharedLayers: { base: { size: 300_000, seed: 'base' } },
    platforms: [
      { os: 'linux', architecture: 'amd64', layers: ['base', { size: 120_000, seed: 'amd64' }] },
      { os: 'linux', architecture: 'arm64', variant: 'v8', layers: ['base', { size: 110_000, seed: 'arm64' }] },
    ],
  });
  const older = await makeImageLayout(join(work, 'old'), {
    tag: '1.1.0',
    platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 50_000, seed: 'old' }] }],
  });
  await pushImageOverHttp(image, src.url, 'acme/app', '1.2.0');
  await pushCosignAttachment(
    src,
    'acme/app',
    image.root,
    'sig',
    `{"critical":{"image":{"docker-manifest-digest":"${image.root.digest}"}}}`,
  );
  // distribution has no referrers API: the SBOM is listed in the subject's tag-schema index, as its pusher would.
  const sbom = await pushReferrer(src, 'acme/app', image.root, {
    artifactType: 'application/spdx+json',
    payload: '{"spdxVersion":"SPDX-2.3"}',
  });
  await writeFallbackIndex(src, 'acme/app', image.root, [sbom]);
  await pushImageOverHttp(older, dst.url, 'release/app', 'latest');
  const down = `127.0.0.1:${await freePort()}`;
  return {
    src,
    dst,
    image,
    older,
    down,
    run: (inputs = {}) =>
      runAction({
        source: `${src.host}/acme/app:1.2.0`,
        destination: [`${dst.host}/release/app:1.2.0,latest`, `${src.host}/release/app:1.2.0`, `${down}/release/app:1.2.0`].join('\n'),
        referrers: 'true',
        'blob-cache': 'false',
        ...inputs,
      }),
    stop: async () => {
      await Promise.all([src.stop(), dst.stop()]);
      await rm(work, { recursive: true, force: true });
    },
  };
}
