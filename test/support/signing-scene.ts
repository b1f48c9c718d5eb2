// A real registry and a mocked Sigstore (Fulcio, Rekor, a TSA) for the signing tests: images
// pushed by skopeo, registry repositories opened (and closed with the scene), a policy against the
// scene's trust root, and a blob read by plain HTTP, as another client would read it.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTION_VOICE } from '../../src/settings/voice.js';
import { parseReference, type RegistryReference } from '../../src/oci/reference.js';
import { parseVerifyPolicy, type VerifyPolicy, type VerifyPolicySettings } from '../../src/signatures/policy.js';
import { openRegistryRepository, type RegistryRepository } from '../../src/targets/registry/index.js';
import { makeImageLayout, pushLayoutWithSkopeo, type TestDescriptor } from './images.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { startSigstoreWorld, type SigstoreWorld } from './sigstore-world.js';

export interface SigningScene {
  registry: TestRegistry;
  world: SigstoreWorld;
  /** A temporary folder of the scene's own, removed by `stop`. */
  work: string;
  /** Pushes a new single-platform image (each one its own digest) to `repo` as `1.0`. */
  image(repo: string): Promise<TestDescriptor>;
  repository(repo: string): RegistryRepository;
  /** A policy with the scene's trusted root, as the step's inputs would give it. */
  policy(settings: VerifyPolicySettings): VerifyPolicy;
  /** A plain-HTTP read of a blob: what another client would see. */
  blob(repo: string, digest: string): Promise<Buffer>;
  stop(): Promise<void>;
}

export async function startSigningScene(prefix: string): Promise<SigningScene> {
  const work = await mkdtemp(join(tmpdir(), prefix));
  const [registry, world] = await Promise.all([startRegistry(), startSigstoreWorld({ dir: work })]);
  const opened: RegistryRepository[] = [];
  let serial = 0;
  return {
    registry,
    world,
    work,
    async image(repo) {
      serial++;
      const built = await makeImageLayout(join(work, `img-${serial}`), { tag: '1.0', platforms: [{ architecture: 'amd64', layers: [{ size: 1_500 }] }], annotations: { serial: String(serial) } });
      await pushLayoutWithSkopeo(built.dir, '1.0', `${registry.host}/${repo}`);
      return built.root;
    },
    repository(repo) {
      const target = openRegistryRepository(parseReference(`${registry.host}/${repo}`) as RegistryReference);
      opened.push(target);
      return target;
    },
    policy: (settings) => parseVerifyPolicy({ trustedRoot: world.trustedRootPath, ...settings }, ACTION_VOICE, (p) => readFileSync(p, 'utf8'))!,
    blob: async (repo, digest) => Buffer.from(await (await fetch(`${registry.url}/v2/${repo}/blobs/${digest}`)).arrayBuffer()),
    async stop() {
      await Promise.all(opened.map((r) => r.close('success')));
      await Promise.all([registry.stop(), world.stop()]);
      await rm(work, { recursive: true, force: true });
    },
  };
}
