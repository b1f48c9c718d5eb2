// A nightly re-run of a mirror of release tags: the destination already has every tag. Without
// `immutable-tags`, oci-copy compares each tag by HEAD on both sides (skopeo sync GETs both
// manifests); with it, one tag list per side and nothing else. Requests and time per tool.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Bench, CLI, formatCounts, type Contender } from './bench.js';
import { measure } from './measure.js';
import { OCI_MANIFEST, REPOS, seed } from './sync.js';
import { median, type Output, ratio, seconds, table } from './table.js';

export interface ImmutableBenchOptions {
  /** Tags in all, over the two repositories (2,000 by default). */
  tags: number;
  /** MB of the base layer every image shares. */
  baseMB: number;
}

export async function immutableSection(bench: Bench, out: Output, options: ImmutableBenchOptions): Promise<void> {
  await bench.renewDestination();
  const perRepo = Math.max(1, Math.round(options.tags / REPOS.length));
  const prefix = bench.name(`immutable${perRepo * REPOS.length}`);
  const tags = await seed(bench.a, perRepo, options.baseMB, prefix);
  const source = bench.a.host;
  const dest = bench.b.host;
  const path = bench.name('mirror');
  // Every tag reads as 1.x.y: `1.*` covers them all.
  const list = (immutable: boolean) =>
    REPOS.map(
      (r) =>
        `- source: ${source}/${prefix}/${r}\n  destination: ${dest}/${path}/${r.split('/').pop()}\n${immutable ? "  immutable-tags: ['1.*']\n" : ''}`,
    ).join('');
  const plain = join(bench.work, `${path}.plain.yml`);
  const immutable = join(bench.work, `${path}.immutable.yml`);
  const skopeo = join(bench.work, `${path}.skopeo.yml`);
  await writeFile(plain, list(false));
  await writeFile(immutable, list(true));
  await writeFile(skopeo, `${source}:\n  tls-verify: false\n  images:\n${REPOS.map((r) => `    ${prefix}/${r}: []\n`).join('')}`);
  // One first run fills the destination (untimed); every re-run after it writes nothing, so all share it.
  await measure(bench.harness, bench.node, [CLI, 'sync', plain, '--no-blob-cache']);
  for (const r of REPOS) {
    const res = await fetch(`${bench.b.url}/v2/${path}/${r.split('/').pop()}/manifests/${tags.at(-1)}`, {
      method: 'HEAD',
      headers: { accept: OCI_MANIFEST },
    });
    if (res.status !== 200) throw new Error(`the mirror lacks ${path}/${r}:${tags.at(-1)} (${res.status})`);
  }
  const contenders: Contender[] = [
    { name: 'oci-copy', run: () => bench.measureTool([CLI, 'sync', plain, '--no-blob-cache']) },
    { name: 'oci-copy immutable-tags', run: () => bench.measureTool([CLI, 'sync', immutable, '--no-blob-cache']) },
    {
      name: 'skopeo sync',
      run: () =>
        bench.measureSkopeo([
          '--insecure-policy',
          'sync',
          '--src',
          'yaml',
          '--dest',
          'docker',
          '--dest-tls-verify=false',
          skopeo,
          `${dest}/${path}`,
        ]),
    },
  ];
  const runs = await bench.compare(contenders, [bench.a, bench.b]);
  const med = (name: string) => median((runs.get(name) ?? []).map((r) => r.ms));
  const base = med('skopeo sync');
  const rows = contenders.map((c) => {
    const last = runs.get(c.name)?.at(-1);
    return [
      c.name,
      String(perRepo * REPOS.length),
      seconds(med(c.name)),
      ratio(med(c.name), base),
      formatCounts(last?.requests[0]),
      formatCounts(last?.requests[1]),
    ];
  });
  out.section(
    `Immutable tags: a re-run of ${perRepo * REPOS.length} release tags the mirror already has`,
    "Wall time (median) and the requests each registry saw in one run (last repetition). oci-copy compares each tag by HEAD on both sides; with `immutable-tags: ['1.*']` it lists each side's tags once and reads nothing else; skopeo sync reads both manifests of each tag.",
    '',
    table(['tool', 'images', 'wall s', '/ skopeo', 'source registry', 'destination registry'], rows),
  );
}
