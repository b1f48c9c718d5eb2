// Checking and repairing a mirror of many images: `oci-copy sync --check` (HEADs) and
// `--check=deep` (every blob hashed) of a mirror a first sync filled, and `--repair` of the same
// mirror with one layer's bytes removed from the destination's storage; requests each registry saw,
// wall time and peak RSS.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Bench, CLI, formatCounts, type Contender } from './bench.js';
import { measure } from './measure.js';
import { OCI_MANIFEST, REPOS, seed } from './sync.js';
import { mb, median, type Output, seconds, table } from './table.js';

export interface IntegrityBenchOptions {
  /** Images in the mirror (split over two repositories). */
  images: number;
  /** MB of the base layer every image shares. */
  baseMB: number;
}

export async function integritySection(bench: Bench, out: Output, options: IntegrityBenchOptions): Promise<void> {
  await bench.renewDestination();
  const perRepo = Math.ceil(options.images / REPOS.length);
  const prefix = bench.name('check');
  const tags = await seed(bench.a, perRepo, options.baseMB, prefix);
  const path = bench.name('mirror');
  const list = join(bench.work, `${path}.yml`);
  await writeFile(
    list,
    REPOS.map((r) => `- source: ${bench.a.host}/${prefix}/${r}\n  destination: ${bench.b.host}/${path}/${r.split('/').pop()}\n`).join(''),
  );
  process.stderr.write(`check: filling a mirror of ${perRepo * REPOS.length} images\n`);
  const filled = await measure(bench.harness, bench.node, [CLI, 'sync', list, '--no-blob-cache']);
  if (filled.code !== 0) throw new Error(`filling the mirror failed: ${filled.stderr.slice(-500)}`);
  // The one layer a repair puts back: the small layer of the middle tag of the first repository.
  const repo = `${path}/${REPOS[0].split('/').pop()}`;
  const tag = tags[Math.floor(tags.length / 2)];
  const manifest = (await (await fetch(`${bench.b.url}/v2/${repo}/manifests/${tag}`, { headers: { accept: OCI_MANIFEST } })).json()) as {
    layers: Array<{ digest: string }>;
  };
  const layer = manifest.layers[1].digest;
  const hex = layer.slice('sha256:'.length);
  const data = join(bench.b.storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');

  const tool = (name: string, args: string[], expectCode: number, before?: () => Promise<void>): Contender => ({
    name,
    run: async () => {
      await before?.();
      const m = await bench.measureTool([CLI, 'sync', list, '--no-blob-cache', ...args]);
      if (m.code !== expectCode) throw new Error(`${name} exited ${m.code}, not ${expectCode}: ${m.stderr.slice(-500)}`);
      return m;
    },
  });
  const runs = await bench.compare(
    [
      tool('check (HEAD)', ['--check'], 0),
      tool('check deep (hashed)', ['--check=deep'], 0),
      tool('repair of one missing layer', ['--repair'], 0, () => rm(data)),
    ],
    [bench.a, bench.b],
  );
  const rows: string[][] = [];
  for (const [name, r] of runs) {
    rows.push([
      name,
      String(perRepo * REPOS.length),
      seconds(median(r.map((x) => x.ms))),
      mb(median(r.map((x) => x.rssMB))),
      formatCounts(r.at(-1)?.requests[0]),
      formatCounts(r.at(-1)?.requests[1]),
    ]);
  }
  out.section(
    `Checking and repairing a mirror of ${perRepo * REPOS.length} images (two repositories over one ${options.baseMB} MB base layer; each image its own config and a small layer)`,
    'Wall time and peak RSS (medians), and the requests each registry saw in one run (last repetition), by method. `check`: tags compared with the source by HEAD, every manifest of the destination fetched, every distinct blob HEADed once per repository. `check deep`: the same, every blob downloaded and hashed. `repair`: one layer whose bytes were removed from the destination storage before each run; the HEAD check of every image, then one upload.',
    '',
    table(['run', 'images', 'wall s', 'peak MB', 'source registry', 'destination registry'], rows),
  );
}
