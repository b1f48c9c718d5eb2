// A registry holding `src/app:v1` (one platform, a big layer and a small one) behind a fault proxy,
// for tests that slow, fail or stall the big layer on its way out.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from './images.js';
import { startRegistry, type TestRegistry } from './registry.js';

export interface ProxiedSource {
  /** A temporary directory for the test's files, removed by `stop`. */
  work: string;
  registry: TestRegistry;
  proxy: FaultProxy;
  image: ImageLayout;
  /** The big layer's digest. */
  big: string;
  /** `PROXY/src/app:v1`: the image, read through the proxy. */
  source: string;
  stop(): Promise<void>;
}

export async function startProxiedSource(bigBytes: number): Promise<ProxiedSource> {
  const work = await mkdtemp(join(tmpdir(), 'oci-copy-proxied-'));
  const registry = await startRegistry();
  const image = await makeImageLayout(join(work, 'image'), {
    tag: 'v1',
    platforms: [{ architecture: 'amd64', layers: [{ size: bigBytes }, { size: 100_000 }] }],
  });
  await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app`);
  const proxy = await startFaultProxy(registry.url);
  return {
    work,
    registry,
    proxy,
    image,
    big: image.manifests[0].layers[0].digest,
    source: `${proxy.host}/src/app:v1`,
    stop: async () => {
      await Promise.all([proxy.stop(), registry.stop()]);
      await rm(work, { recursive: true, force: true });
    },
  };
}
