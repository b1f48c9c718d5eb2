// The bench's fixtures: two loopback registries, the images pushed into the first, and the three
// ways of copying (this tool's CLI, skopeo, raw uploads), each run as its own measured process.
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../test/support/images.js';
import { startRegistry, type RegistryRequest, type TestRegistry } from '../test/support/registry.js';
import { measure, processCpuMs, type Harness, type Measured } from './measure.js';
import type { UploadPlan } from './raw-http.js';
import type { Shape } from './shapes.js';
import { MANIFEST_ACCEPT } from '../src/oci/media-types.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/**
 * The bundled CLI, as the package's `bin` runs it (`npm run bench` bundles first); `BENCH_CLI`
 * names another build (`lib/src/cli/index.js`, the compiled sources, to try a change unbundled).
 */
export const CLI = process.env.BENCH_CLI || join(HERE, '..', '..', 'dist', 'cli', 'index.js');
const RAW_PUT = join(HERE, 'raw-put.js');
const RAW_RELAY = join(HERE, 'raw-relay.js');
const COPY_MANY = join(HERE, 'copy-many.js');

export interface SourceImage {
  shape: Shape;
  layout: ImageLayout;
  /** `HOST/src/NAME:latest` in registry A */
  ref: string;
  repo: string;
  planFile: string;
}

export interface Run extends Measured {
  /** Requests each watched registry logged during the run, by method. */
  requests: Array<Record<string, number>>;
  /** CPU time each watched registry used during the run, in ms. */
  registryCpuMs: number[];
}

export interface Contender {
  name: string;
  run(rep: number): Promise<Measured>;
}

export class Bench {
  private readonly images = new Map<string, SourceImage>();
  private counter = 0;

  private constructor(
    readonly work: string,
    readonly harness: Harness,
    readonly reps: number,
    public a: TestRegistry,
    public b: TestRegistry,
    /** The Node.js that runs this tool's CLI, the floor and the library runs (`--node`). */
    readonly node: string,
  ) {}

  static async start(work: string, harness: Harness, reps: number, node = process.execPath): Promise<Bench> {
    const [a, b] = await Promise.all([startRegistry(), startRegistry()]);
    return new Bench(work, harness, reps, a, b, node);
  }

  async stop(): Promise<void> {
    await Promise.all([this.a.stop(), this.b.stop()]);
  }

  /** A new, empty destination registry, so earlier sections' blobs neither help nor fill the disk. */
  async renewDestination(): Promise<void> {
    await this.b.stop();
    this.b = await startRegistry();
  }

  /** A name never used before in this run. */
  name(prefix: string): string {
    return `${prefix}-${++this.counter}`;
  }

  /** Builds the image once and pushes it to registry A with skopeo (not timed). */
  async image(shape: Shape): Promise<SourceImage> {
    const known = this.images.get(shape.name);
    if (known) return known;
    const dir = join(this.work, 'layouts', shape.name);
    const layout = await makeImageLayout(dir, { ...shape.spec, tag: 'latest' });
    const repo = `src/${shape.name}`;
    await pushLayoutWithSkopeo(dir, 'latest', `${this.a.host}/${repo}`);
    const isManifest = (t: string) => /manifest|index/.test(t);
    const plan: UploadPlan = {
      dir,
      blobs: layout.blobs.filter((b) => !isManifest(b.mediaType)).map((b) => ({ digest: b.digest, size: b.size })),
      manifests: [
        ...(layout.index
          ? layout.manifests.map((m) => ({
              digest: m.descriptor.digest,
              mediaType: m.descriptor.mediaType,
              reference: m.descriptor.digest,
            }))
          : []),
        { digest: layout.root.digest, mediaType: layout.root.mediaType, reference: 'latest' },
      ],
    };
    const planFile = join(this.work, `${shape.name}.plan.json`);
    await writeFile(planFile, JSON.stringify(plan));
    const image = { shape, layout, ref: `${this.a.host}/${repo}:latest`, repo, planFile };
    this.images.set(shape.name, image);
    return image;
  }

  async emptyDir(prefix = 'cache'): Promise<string> {
    await mkdir(join(this.work, 'tmp'), { recursive: true });
    return mkdtemp(join(this.work, 'tmp', `${prefix}-`));
  }

  /** This tool's CLI: `node dist/cli/index.js SRC DST --no-blob-cache …`. */
  async ociCopy(src: string, dst: string, extra: string[] = [], node = this.node): Promise<Measured> {
    return measure(this.harness, node, [CLI, src, dst, '--no-blob-cache', ...extra], { skopeoCacheDir: await this.emptyDir() });
  }

  /** This tool's CLI with `args` as given (a subcommand and its arguments). */
  async measureTool(args: string[]): Promise<Measured> {
    return measure(this.harness, this.node, args, { skopeoCacheDir: await this.emptyDir() });
  }

  /** skopeo with `args` as given, with a cold blob-info cache. */
  async measureSkopeo(args: string[]): Promise<Measured> {
    return measure(this.harness, 'skopeo', args, { skopeoCacheDir: await this.emptyDir() });
  }

  /** `skopeo copy --all --preserve-digests`, with a cold blob-info cache unless `cacheDir` holds a warm one. */
  async skopeoCopy(src: string, dst: string, cacheDir?: string): Promise<Measured> {
    const args = [
      '--insecure-policy',
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--preserve-digests',
      src,
      dst,
    ];
    return measure(this.harness, 'skopeo', args, { skopeoCacheDir: cacheDir ?? (await this.emptyDir()) });
  }

  /** A blob-info cache that has seen the source image: skopeo pulled it once into a layout. */
  async warmSkopeoCache(image: SourceImage): Promise<string> {
    const dir = await this.emptyDir('warm');
    const pulled = await this.emptyDir('pulled');
    await this.skopeoCopy(`docker://${image.ref}`, `oci:${pulled}:latest`, dir);
    return dir;
  }

  async copyOfDir(dir: string): Promise<string> {
    const copyDir = await this.emptyDir('warm-copy');
    await cp(dir, copyDir, { recursive: true });
    return copyDir;
  }

  /** The floor: the image's blobs POST+PUT from disk into a fresh repository of `registry`. */
  async rawPut(image: SourceImage, registry: TestRegistry, repo: string, concurrency: number, node = this.node): Promise<Measured> {
    return measure(this.harness, node, [RAW_PUT, registry.url, repo, image.planFile, String(concurrency)], {
      skopeoCacheDir: await this.emptyDir(),
    });
  }

  /** The relay floor: each blob GET from the source registry straight into a POST+PUT, then the manifests. */
  async rawRelay(image: SourceImage, registry: TestRegistry, repo: string, concurrency: number, node = this.node): Promise<Measured> {
    return measure(this.harness, node, [RAW_RELAY, this.a.url, image.repo, registry.url, repo, image.planFile, String(concurrency)], {
      skopeoCacheDir: await this.emptyDir(),
    });
  }

  async copyMany(mode: 'sequential' | 'parallel', concurrency: number, pairs: Array<[string, string]>): Promise<Measured> {
    return measure(this.harness, this.node, [COPY_MANY, mode, String(concurrency), ...pairs.flat()], {
      skopeoCacheDir: await this.emptyDir(),
    });
  }

  /** Fails unless `repo:tag` in `registry` resolves to `digest`: every timed copy must have been a real one. */
  async checkRoot(registry: TestRegistry, repo: string, tag: string, digest: string): Promise<void> {
    const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: MANIFEST_ACCEPT } });
    const got = res.headers.get('docker-content-digest');
    if (res.status !== 200 || got !== digest)
      throw new Error(`${registry.host}/${repo}:${tag} is ${res.status} ${got}, expected ${digest}`);
  }

  /**
   * Runs every contender `reps` times, rotating who goes first. Returns the runs per contender,
   * with the requests `watched` registries logged during each.
   */
  async compare(contenders: Contender[], watched: TestRegistry[] = []): Promise<Map<string, Run[]>> {
    const runs = new Map<string, Run[]>(contenders.map((c) => [c.name, []]));
    for (let rep = 0; rep < this.reps; rep++) {
      const order = contenders.map((_, i) => contenders[(i + rep) % contenders.length]);
      for (const c of order) {
        // Waits for each log to catch up first, so the last run's late lines are not counted in this one.
        await Promise.all(watched.map((r) => r.resetRequests()));
        const cpuBefore = await Promise.all(watched.map((r) => processCpuMs(r.pid)));
        const m = await c.run(rep);
        const cpuAfter = await Promise.all(watched.map((r) => processCpuMs(r.pid)));
        // The access log is read from the registry's output: let the last lines arrive.
        if (watched.length) await new Promise((r) => setTimeout(r, 200));
        const registryCpuMs = cpuAfter.map((after, i) => after - cpuBefore[i]);
        runs.get(c.name)!.push({ ...m, requests: watched.map((r) => countByMethod(r.requests())), registryCpuMs });
        process.stderr.write(`  ${c.name} rep ${rep + 1}: ${(m.ms / 1000).toFixed(2)} s, ${m.rssMB.toFixed(0)} MB\n`);
      }
    }
    return runs;
  }
}

export function countByMethod(requests: RegistryRequest[]): Record<string, number> {
  const counts: Record<string, number> = { total: requests.length };
  for (const r of requests) {
    const key = r.method === 'POST' && r.path.includes('mount=') ? (r.status === 201 ? 'mount' : 'mount-refused') : r.method;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function formatCounts(c: Record<string, number> | undefined): string {
  if (!c) return '–';
  const parts = ['HEAD', 'GET', 'POST', 'PATCH', 'PUT', 'mount', 'mount-refused'].filter((k) => c[k]).map((k) => `${k} ${c[k]}`);
  return `${c.total} (${parts.join(', ')})`;
}
