// Mirroring many images in one process: `oci-copy sync FILE` against `skopeo sync --src yaml`, two
// repositories of N tags over one shared base layer, into a fresh destination (the first run) and
// into one that already has everything (the re-run, what a nightly mirror mostly is), on loopback
// and through slow links, with each registry's requests counted by method.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Bench, CLI, formatCounts, type Contender, type Run } from './bench.js';
import { measure, type Measured } from './measure.js';
import { startSlowLink, type SlowLink } from './slow-link.js';
import { mb, median, type Output, ratio, seconds, table } from './table.js';
import type { TestRegistry } from '../test/support/registry.js';

export interface SyncBenchOptions {
  /** Tags per repository on loopback. */
  sizes: number[];
  /** Tags per repository through the slow links (skopeo takes minutes there). */
  wanSizes: number[];
  rtt: number;
  mbit: number;
  /** MB of the base layer every image shares. */
  baseMB: number;
}

export const REPOS = ['sync/base-a', 'sync/base-b'];
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface Blob {
  bytes: Buffer;
  digest: string;
}

const blob = (bytes: Buffer): Blob => ({ bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` });

async function put(registryUrl: string, repo: string, b: Blob): Promise<void> {
  const head = await fetch(`${registryUrl}/v2/${repo}/blobs/${b.digest}`, { method: 'HEAD' });
  if (head.status === 200) return;
  const start = await fetch(`${registryUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location')!, `${registryUrl}/v2/${repo}/blobs/uploads/`);
  location.searchParams.set('digest', b.digest);
  const res = await fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: b.bytes });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`seeding ${repo}: PUT ${b.digest} answered ${res.status}`);
}

/**
 * `count` tags in each repository: a shared gzip base layer and, per tag, a small layer and a
 * config of its own (so every tag is its own image), pushed straight over HTTP (not timed).
 */
export async function seed(registry: TestRegistry, count: number, baseMB: number, prefix: string): Promise<string[]> {
  const base = blob(gzipSync(randomBytes(baseMB * 1024 * 1024), { level: 0 }));
  const tags = Array.from({ length: count }, (_, i) => `1.${Math.floor(i / 10)}.${i % 10}`);
  for (const name of REPOS) {
    const repo = `${prefix}/${name}`;
    await put(registry.url, repo, base);
    let next = 0;
    const worker = async () => {
      while (next < tags.length) {
        const tag = tags[next++];
        const layer = blob(gzipSync(randomBytes(256)));
        const config = blob(
          Buffer.from(
            JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { tag } } }),
          ),
        );
        await put(registry.url, repo, layer);
        await put(registry.url, repo, config);
        const manifest = {
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.bytes.length },
          layers: [base, layer].map((l) => ({
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: l.digest,
            size: l.bytes.length,
          })),
        };
        const res = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
          method: 'PUT',
          headers: { 'content-type': OCI_MANIFEST },
          body: JSON.stringify(manifest),
        });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`seeding ${repo}:${tag}: ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }
  return tags;
}

/** The two lists, one per tool, that copy `source/<prefix>/sync/base-x` to `dest/<path>/base-x`. */
async function lists(
  bench: Bench,
  source: string,
  prefix: string,
  name: string,
  dest: string,
  path: string,
): Promise<{ ours: string; skopeo: string }> {
  const ours = join(bench.work, `${name}.oci-copy.yml`);
  const skopeo = join(bench.work, `${name}.skopeo.yml`);
  await writeFile(
    ours,
    REPOS.map((r) => `- source: ${source}/${prefix}/${r}\n  destination: ${dest}/${path}/${r.split('/').pop()}\n`).join(''),
  );
  await writeFile(skopeo, `${source}:\n  tls-verify: false\n  images:\n${REPOS.map((r) => `    ${prefix}/${r}: []\n`).join('')}`);
  return { ours, skopeo };
}

export async function syncSection(bench: Bench, out: Output, options: SyncBenchOptions): Promise<void> {
  const rows: string[][] = [];
  const requestRows: string[][] = [];
  const cpuRows: string[][] = [];
  const run = async (label: string, sizes: number[], viaLinks: boolean) => {
    for (const size of sizes) {
      await bench.renewDestination();
      let a: SlowLink | undefined;
      let b: SlowLink | undefined;
      if (viaLinks) {
        a = await startSlowLink(bench.a.host, { delayMs: 0, mbit: 0, sharing: 'shared' });
        b = await startSlowLink(bench.b.host, { delayMs: 0, mbit: 0, sharing: 'shared' });
      }
      try {
        const prefix = bench.name(`tags${size}`);
        const tags = await seed(bench.a, size, options.baseMB, prefix);
        const source = a?.host ?? bench.a.host;
        const dest = b?.host ?? bench.b.host;
        // The re-runs go into destinations a first run filled (untimed), one per repetition and tool.
        const filled: Record<string, string[]> = { 'oci-copy': [], skopeo: [] };
        for (const tool of Object.keys(filled)) {
          for (let rep = 0; rep < bench.reps; rep++) {
            const path = bench.name(`full-${tool}`);
            const l = await lists(bench, bench.a.host, prefix, `fill-${path}`, bench.b.host, path);
            await measure(bench.harness, bench.node, [CLI, 'sync', l.ours, '--no-blob-cache']);
            filled[tool].push(path);
          }
        }
        a?.set({ delayMs: options.rtt / 2, mbit: options.mbit });
        b?.set({ delayMs: options.rtt / 2, mbit: options.mbit });
        const contender = (tool: 'oci-copy' | 'skopeo', rerun: boolean): Contender => ({
          name: `${tool} ${rerun ? 're-run' : 'first run'}`,
          run: async (rep) => {
            const path = rerun ? filled[tool][rep] : bench.name(`fresh-${tool}`);
            const l = await lists(bench, source, prefix, `${tool}-${path}`, dest, path);
            const m: Measured =
              tool === 'oci-copy'
                ? await bench.measureTool([CLI, 'sync', l.ours, '--no-blob-cache'])
                : await bench.measureSkopeo([
                    '--insecure-policy',
                    'sync',
                    '--src',
                    'yaml',
                    '--dest',
                    'docker',
                    '--dest-tls-verify=false',
                    l.skopeo,
                    `${dest}/${path}`,
                  ]);
            // Every timed run must have been a real one: the last tag of each repository is there.
            for (const r of REPOS) {
              const res = await fetch(`${bench.b.url}/v2/${path}/${r.split('/').pop()}/manifests/${tags.at(-1)}`, {
                method: 'HEAD',
                headers: { accept: OCI_MANIFEST },
              });
              if (res.status !== 200) throw new Error(`${tool} left ${path}/${r}:${tags.at(-1)} missing (${res.status})`);
            }
            return m;
          },
        });
        const contenders = [
          contender('oci-copy', false),
          contender('skopeo', false),
          contender('oci-copy', true),
          contender('skopeo', true),
        ];
        const runs = await bench.compare(contenders, [bench.a, bench.b]);
        const med = (name: string, pick: (r: Run) => number = (r) => r.ms) => median((runs.get(name) ?? []).map(pick));
        for (const kind of ['first run', 're-run']) {
          const ours = med(`oci-copy ${kind}`);
          const theirs = med(`skopeo ${kind}`);
          rows.push([
            label,
            String(size * REPOS.length),
            kind,
            seconds(ours),
            seconds(theirs),
            ratio(ours, theirs),
            mb(med(`oci-copy ${kind}`, (r) => r.rssMB)),
            mb(med(`skopeo ${kind}`, (r) => r.rssMB)),
          ]);
          for (const tool of ['oci-copy', 'skopeo']) {
            const name = `${tool} ${kind}`;
            const own = med(name, (r) => r.cpuMs);
            const source = med(name, (r) => r.registryCpuMs[0]);
            const destination = med(name, (r) => r.registryCpuMs[1]);
            cpuRows.push([
              label,
              String(size * REPOS.length),
              kind,
              tool,
              seconds(med(name)),
              seconds(own),
              seconds(source),
              seconds(destination),
              seconds(own + source + destination),
            ]);
            const last = runs.get(`${tool} ${kind}`)?.at(-1);
            requestRows.push([
              label,
              String(size * REPOS.length),
              kind,
              tool,
              formatCounts(last?.requests[0]),
              formatCounts(last?.requests[1]),
            ]);
          }
        }
      } finally {
        await a?.stop();
        await b?.stop();
      }
    }
  };
  await run('loopback', options.sizes, false);
  if (options.wanSizes.length) await run(`RTT ${options.rtt} ms, ${options.mbit} Mbit/s`, options.wanSizes, true);
  out.section(
    `Sync: two repositories over one ${options.baseMB} MB base layer`,
    'Wall time (median), oci-copy / skopeo, and peak RSS. First run: into an empty destination. Re-run: every tag already there (a nightly mirror on a quiet night).',
    '',
    table(['link', 'images', 'run', 'oci-copy s', 'skopeo s', 'oci-copy / skopeo', 'oci-copy MB', 'skopeo MB'], rows),
    '',
    'Requests each registry saw in one run (last repetition), by method; the re-run of oci-copy reads no manifest or blob (tag lists and HEADs only).',
    '',
    table(['link', 'images', 'run', 'tool', 'source registry', 'destination registry'], requestRows),
    '',
    `CPU time per run (medians; user + system): the tool's own process and each registry's process. The machine has ${cpus().length} cores, which the tool and both registries share.`,
    '',
    table(
      ['link', 'images', 'run', 'tool', 'wall s', 'own CPU s', 'source registry CPU s', 'destination registry CPU s', 'all CPU s'],
      cpuRows,
    ),
  );
}
