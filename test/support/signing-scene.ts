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
import { bundleBytes, cosignSignStatement, dsseBundle, fulcioSigner, pushBundleReferrer, SIGN_PREDICATE } from './signature-artifacts.js';
import { startSigstoreWorld, type SigstoreWorld } from './sigstore-world.js';

export interface SigningScene {
  registry: TestRegistry;
  world: SigstoreWorld;
  /** A temporary folder of the scene's own, removed by `stop`. */
  work: string;
  /** Pushes a new image (each one its own digest) to `repo` as `tag` (1.0): one platform, or an index of two. */
  image(repo: string, options?: ImageOptions): Promise<TestDescriptor>;
  /** The same, signed keyless by the world's GitHub workflow identity as cosign v3 attaches it (a bundle referrer, logged in Rekor). */
  signedImage(repo: string, options?: ImageOptions): Promise<TestDescriptor>;
  repository(repo: string): RegistryRepository;
  /** A policy with the scene's trusted root, as the step's inputs would give it. */
  policy(settings: VerifyPolicySettings): VerifyPolicy;
  /** A plain-HTTP read of a blob: what another client would see. */
  blob(repo: string, digest: string): Promise<Buffer>;
  stop(): Promise<void>;
}

export interface ImageOptions {
  tag?: string;
  /** 1 (amd64, the default) or 2 (amd64 and arm64 under an index). */
  platforms?: number;
}

export async function startSigningScene(prefix: string): Promise<SigningScene> {
  const work = await mkdtemp(join(tmpdir(), prefix));
  const [registry, world] = await Promise.all([startRegistry(), startSigstoreWorld({ dir: work })]);
  const opened: RegistryRepository[] = [];
  let serial = 0;
  const image = async (repo: string, { tag = '1.0', platforms = 1 }: ImageOptions = {}) => {
    serial++;
    const archs = ['amd64', 'arm64'].slice(0, platforms);
    const built = await makeImageLayout(join(work, `img-${serial}`), {
      tag,
      platforms: archs.map((architecture) => ({ architecture, layers: [{ size: 1_500 }] })),
      annotations: { serial: String(serial) },
    });
    await pushLayoutWithSkopeo(built.dir, tag, `${registry.host}/${repo}`);
    return built.root;
  };
  return {
    registry,
    world,
    work,
    image,
    async signedImage(repo, options) {
      const root = await image(repo, options);
      const bundle = await dsseBundle(fulcioSigner(world), cosignSignStatement(root.digest), world, 'rekor');
      await pushBundleReferrer(registry, repo, root, bundleBytes(bundle), SIGN_PREDICATE);
      return root;
    },
    repository(repo) {
      const target = openRegistryRepository(parseReference(`${registry.host}/${repo}`) as RegistryReference);
      opened.push(target);
      return target;
    },
    policy: (settings) =>
      parseVerifyPolicy({ trustedRoot: world.trustedRootPath, ...settings }, ACTION_VOICE, (p) => readFileSync(p, 'utf8'))!,
    blob: async (repo, digest) => Buffer.from(await (await fetch(`${registry.url}/v2/${repo}/blobs/${digest}`)).arrayBuffer()),
    async stop() {
      await Promise.all(opened.map((r) => r.close('success')));
      await Promise.all([registry.stop(), world.stop()]);
      await rm(work, { recursive: true, force: true });
    },
  };
}
