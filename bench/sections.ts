// The comparisons: each section times its contenders and prints one table.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { type Bench, CLI, formatCounts, type Contender, type Run, type SourceImage } from './bench.js';
import { actionNode, runActionMeasured } from './action.js';
import { cpus } from 'node:os';
import { measure, type Measured } from './measure.js';
import { gigabyteShape, layerCountShape, numberedImage, standardShapes, twoPlatformShape } from './shapes.js';
import { mb, median, type Output, ratio, seconds, table } from './table.js';

import { DEFAULT_CONCURRENCY } from '../src/copy/options.js';

const med = (runs: Run[] | undefined, pick: (r: Run) => number = (r) => r.ms) => median((runs ?? []).map(pick));

/** Registry A → registry B: nothing to mount, every byte moves. */
export async function registryToRegistrySection(bench: Bench, out: Output, largeMB: number): Promise<void> {
  const rows = [];
  const requestRows = [];
  const cpuRows = [];
  for (const shape of standardShapes(largeMB)) {
    const image = await bench.image(shape);
    process.stderr.write(`registry → registry: ${shape.name}\n`);
    const checked = (prefix: string, copy: (repo: string) => Promise<Measured>) => async () => {
      const repo = bench.name(`${prefix}-${shape.name}`);
      const m = await copy(repo);
      await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
      return m;
    };
    const runs = await bench.compare(
      [
        { name: 'oci-copy', run: checked('oc', (repo) => bench.ociCopy(image.ref, `${bench.b.host}/${repo}:latest`)) },
        {
          name: 'skopeo',
          run: checked('sk', (repo) => bench.skopeoCopy(`docker://${image.ref}`, `docker://${bench.b.host}/${repo}:latest`)),
        },
        { name: 'floor', run: checked('raw', (repo) => bench.rawPut(image, bench.b, repo, DEFAULT_CONCURRENCY)) },
        { name: 'relay', run: checked('relay', (repo) => bench.rawRelay(image, bench.b, repo, DEFAULT_CONCURRENCY)) },
      ],
      [bench.a, bench.b],
    );
    const [oc, sk, floor, relay] = ['oci-copy', 'skopeo', 'floor', 'relay'].map((n) => runs.get(n));
    rows.push([
      `${shape.name} (${shape.describe})`,
      seconds(med(oc)),
      seconds(med(sk)),
      seconds(med(floor)),
      seconds(med(relay)),
      ratio(med(sk), med(oc)),
      ratio(med(oc), med(floor)),
      ratio(med(oc), med(relay)),
      mb(med(oc, (r) => r.rssMB)),
      mb(med(sk, (r) => r.rssMB)),
      mb(med(floor, (r) => r.rssMB)),
    ]);
    for (const [name, r] of runs) {
      requestRows.push([shape.name, name, formatCounts(r[0]?.requests[0]), formatCounts(r[0]?.requests[1])]);
      const own = med(r, (x) => x.cpuMs);
      const source = med(r, (x) => x.registryCpuMs[0]);
      const destination = med(r, (x) => x.registryCpuMs[1]);
      cpuRows.push([
        shape.name,
        name,
        seconds(med(r)),
        seconds(own),
        seconds(source),
        seconds(destination),
        seconds(own + source + destination),
      ]);
    }
    await bench.renewDestination();
  }
  out.section(
    `Registry → another registry (no mount possible): oci-copy at its default concurrency, ${DEFAULT_CONCURRENCY}, the floors at the same (skopeo: its fixed 6)`,
    '`floor`: raw parallel PUTs of the same blobs from disk (no source registry); `relay`: each blob GET from the source',
    'registry straight into a POST+PUT, then the manifests (no existence checks, no hashing): the least any registry-to-registry copy does.',
    '',
    table(
      [
        'image',
        'oci-copy s',
        'skopeo s',
        'raw-PUT floor s',
        'relay floor s',
        'skopeo ÷ oci-copy',
        'oci-copy ÷ floor',
        'oci-copy ÷ relay',
        'oci-copy RSS MB',
        'skopeo RSS MB',
        'floor RSS MB',
      ],
      rows,
    ),
    '',
    'Requests logged by each registry in the first repetition:',
    '',
    table(['image', 'tool', 'source registry', 'destination registry'], requestRows),
    '',
    `CPU time per run (medians; user + system): the tool's own process, and each registry's process during the run. The machine has ${cpus().length} cores;`,
    'when the sum approaches wall time × cores, the copy is bound by CPU, not by the network.',
    '',
    table(['image', 'tool', 'wall s', 'own CPU s', 'source registry CPU s', 'destination registry CPU s', 'all CPU s'], cpuRows),
  );
}

/**
 * The issue's speed row: the bundled action, as the runner runs it under Node 24 (start-up
 * included), copying a 128 MB two-platform image registry → registry, against the CLI, skopeo and
 * both floors, every Node.js process under the action's Node.js.
 */
export async function actionRegistrySection(bench: Bench, out: Output): Promise<void> {
  const node = await actionNode(bench);
  const image = await bench.image(twoPlatformShape());
  process.stderr.write(`registry → registry, the action: ${image.shape.name}\n`);
  const checked = (prefix: string, copy: (repo: string) => Promise<Measured>) => async () => {
    const repo = bench.name(`${prefix}-${image.shape.name}`);
    const m = await copy(repo);
    await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
    return m;
  };
  const runs = await bench.compare(
    [
      {
        name: 'action',
        run: checked('act', (repo) => runActionMeasured(bench, node, { source: image.ref, destination: `${bench.b.host}/${repo}:latest` })),
      },
      { name: 'CLI', run: checked('cli', (repo) => bench.ociCopy(image.ref, `${bench.b.host}/${repo}:latest`, [], node)) },
      {
        name: 'skopeo',
        run: checked('sk', (repo) => bench.skopeoCopy(`docker://${image.ref}`, `docker://${bench.b.host}/${repo}:latest`)),
      },
      { name: 'floor', run: checked('raw', (repo) => bench.rawPut(image, bench.b, repo, DEFAULT_CONCURRENCY, node)) },
      { name: 'relay', run: checked('relay', (repo) => bench.rawRelay(image, bench.b, repo, DEFAULT_CONCURRENCY, node)) },
    ],
    [bench.a, bench.b],
  );
  const sk = med(runs.get('skopeo'));
  const floor = med(runs.get('floor'));
  const rows = [];
  for (const [name, r] of runs) {
    const own = med(r, (x) => x.cpuMs);
    const all = own + med(r, (x) => x.registryCpuMs[0]) + med(r, (x) => x.registryCpuMs[1]);
    rows.push([
      name,
      seconds(med(r)),
      ratio(med(r), sk),
      ratio(med(r), floor),
      seconds(own),
      seconds(all),
      mb(med(r, (x) => x.rssMB)),
      formatCounts(r[0]?.requests[1]),
    ]);
  }
  await bench.renewDestination();
  const version = spawnSync(node, ['--version']).stdout?.toString().trim();
  out.section(
    `The action, registry → another registry: ${image.shape.describe}`,
    `\`action\`: \`node dist/index.js\` as the runner starts it (${version}; INPUT_SOURCE, INPUT_DESTINATION and every default of action.yml;`,
    'GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files; no cache service), start-up included. `CLI`: `node dist/cli/index.js SRC DST --no-blob-cache`.',
    `The floors as above; every Node.js process here runs ${version}. CPU: user + system of the tool, and of all three processes (the tool and both registries).`,
    '',
    table(
      ['tool', 'median s', '÷ skopeo', '÷ raw-PUT floor', 'own CPU s', 'all CPU s', 'RSS MB', 'destination requests (first repetition)'],
      rows,
    ),
  );
}

/** Source and destination repositories in one registry: blobs mount instead of moving. */
export async function mountSection(bench: Bench, out: Output, largeMB: number): Promise<void> {
  const rows = [];
  for (const shape of standardShapes(largeMB)) {
    const image = await bench.image(shape);
    process.stderr.write(`within one registry: ${shape.name}\n`);
    const warm = await bench.warmSkopeoCache(image);
    const into = (prefix: string) => {
      const repo = bench.name(`${prefix}-${shape.name}`);
      return { repo, ref: `${bench.a.host}/${repo}:latest` };
    };
    const runs = await bench.compare(
      [
        {
          name: 'oci-copy',
          run: async () => {
            const d = into('mnt-oc');
            const m = await bench.ociCopy(image.ref, d.ref);
            await bench.checkRoot(bench.a, d.repo, 'latest', image.layout.root.digest);
            return m;
          },
        },
        {
          name: 'skopeo (cold cache)',
          run: async () => {
            const d = into('mnt-skc');
            const m = await bench.skopeoCopy(`docker://${image.ref}`, `docker://${d.ref}`);
            await bench.checkRoot(bench.a, d.repo, 'latest', image.layout.root.digest);
            return m;
          },
        },
        {
          name: 'skopeo (warm cache)',
          run: async () => {
            const d = into('mnt-skw');
            const m = await bench.skopeoCopy(`docker://${image.ref}`, `docker://${d.ref}`, await bench.copyOfDir(warm));
            await bench.checkRoot(bench.a, d.repo, 'latest', image.layout.root.digest);
            return m;
          },
        },
      ],
      [bench.a],
    );
    for (const [name, r] of runs) {
      rows.push([
        shape.name,
        name,
        seconds(med(r)),
        ratio(med(r), med(runs.get('oci-copy'))),
        mb(med(r, (x) => x.rssMB)),
        formatCounts(r[0]?.requests[0]),
      ]);
    }
  }
  out.section(
    'Within one registry (mounts)',
    'skopeo cold: empty blob-info cache, so it knows no mount source. skopeo warm: its cache has seen the source repository (one untimed pull beforehand), its best case.',
    '',
    table(['image', 'tool', 'median s', '÷ oci-copy', 'RSS MB', 'requests (first repetition)'], rows),
  );
}

/** Whether this build can read and write `oci-archive:`; the reason when it cannot. */
async function archiveSupport(bench: Bench, ref: string): Promise<string | undefined> {
  const file = join(bench.work, 'probe.tar');
  try {
    await bench.ociCopy(ref, `oci-archive:${file}`);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await rm(file, { force: true });
  }
}

/** Registry → OCI archive file, and an archive (written by skopeo) → registry. */
export async function archiveSection(bench: Bench, out: Output, largeMB: number): Promise<void> {
  const shapes = standardShapes(largeMB);
  const unsupported = await archiveSupport(bench, (await bench.image(shapes[0])).ref);
  if (unsupported) {
    out.section('OCI archive export and import', `SKIPPED: this build cannot copy to oci-archive: yet (${unsupported.slice(0, 200)}).`);
    return;
  }
  const rows = [];
  for (const shape of shapes) {
    const image = await bench.image(shape);
    process.stderr.write(`archive: ${shape.name}\n`);
    const file = (prefix: string) => join(bench.work, `${bench.name(prefix)}.tar`);
    const exportRun = (name: string, go: (path: string) => Promise<Awaited<ReturnType<Bench['ociCopy']>>>) => ({
      name,
      run: async () => {
        const path = file(`exp-${shape.name}`);
        const m = await go(path);
        const size = (await stat(path)).size;
        await rm(path, { force: true });
        if (size < image.layout.blobs.reduce((s, b) => s + b.size, 0))
          throw new Error(`${name} wrote a ${size}-byte archive, smaller than the image`);
        return m;
      },
    });
    const exports = await bench.compare([
      exportRun('oci-copy', (p) => bench.ociCopy(image.ref, `oci-archive:${p}:latest`)),
      exportRun('skopeo', (p) => bench.skopeoCopy(`docker://${image.ref}`, `oci-archive:${p}:latest`)),
    ]);
    const input = join(bench.work, `in-${shape.name}.tar`);
    await bench.skopeoCopy(`docker://${image.ref}`, `oci-archive:${input}:latest`);
    const imports = await bench.compare([
      {
        name: 'oci-copy',
        run: async () => {
          const repo = bench.name(`imp-oc-${shape.name}`);
          const m = await bench.ociCopy(`oci-archive:${input}:latest`, `${bench.b.host}/${repo}:latest`);
          await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
          return m;
        },
      },
      {
        name: 'skopeo',
        run: async () => {
          const repo = bench.name(`imp-sk-${shape.name}`);
          const m = await bench.skopeoCopy(`oci-archive:${input}:latest`, `docker://${bench.b.host}/${repo}:latest`);
          await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
          return m;
        },
      },
    ]);
    await rm(input, { force: true });
    for (const [what, runs] of [
      ['export', exports],
      ['import', imports],
    ] as const) {
      const oc = runs.get('oci-copy');
      const sk = runs.get('skopeo');
      rows.push([
        shape.name,
        what,
        seconds(med(oc)),
        seconds(med(sk)),
        ratio(med(sk), med(oc)),
        mb(med(oc, (r) => r.rssMB)),
        mb(med(sk, (r) => r.rssMB)),
      ]);
    }
    await bench.renewDestination();
  }
  out.section(
    'OCI archive export (registry → oci-archive:FILE) and import (oci-archive:FILE → registry)',
    'Both tools import the same archive, written by skopeo.',
    '',
    table(['image', 'direction', 'oci-copy s', 'skopeo s', 'skopeo ÷ oci-copy', 'oci-copy RSS MB', 'skopeo RSS MB'], rows),
  );
}

/** Blobs in flight: which concurrency moves bytes fastest between two registries. */
export async function concurrencySection(bench: Bench, out: Output, largeMB: number): Promise<void> {
  const levels = [1, 2, 4, 8];
  const rows = [];
  for (const shape of standardShapes(largeMB)) {
    const image = await bench.image(shape);
    process.stderr.write(`concurrency: ${shape.name}\n`);
    const contenders = levels.flatMap((n) => [
      {
        name: `oci-copy ${n}`,
        run: async () => {
          const repo = bench.name(`c${n}-${shape.name}`);
          const m = await bench.ociCopy(image.ref, `${bench.b.host}/${repo}:latest`, ['--concurrency', String(n)]);
          await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
          return m;
        },
      },
      {
        name: `floor ${n}`,
        run: async () => bench.rawPut(image, bench.b, bench.name(`rc${n}-${shape.name}`), n),
      },
    ]);
    const runs = await bench.compare(contenders);
    const times = levels.map((n) => med(runs.get(`oci-copy ${n}`)));
    const best = levels[times.indexOf(Math.min(...times))];
    rows.push([shape.name, ...levels.map((n, i) => `${seconds(times[i])} (floor ${seconds(med(runs.get(`floor ${n}`)))})`), String(best)]);
    await bench.renewDestination();
  }
  out.section(
    'Concurrency, registry → another registry (oci-copy; raw-PUT floor at the same concurrency in brackets)',
    table(['image', ...levels.map((n) => `${n} s`), 'fastest'], rows),
  );
}

/** How time grows with the number of layers, and with the number of images copied in one step. */
export async function scalingSection(bench: Bench, out: Output): Promise<void> {
  const layerRows = [];
  for (const count of [1, 10, 100]) {
    const image = await bench.image(layerCountShape(count, 512 * 1024));
    process.stderr.write(`scaling: ${count} layers\n`);
    const runs = await bench.compare([
      { name: 'oci-copy', run: async () => bench.ociCopy(image.ref, `${bench.b.host}/${bench.name(`sl-oc-${count}`)}:latest`) },
      {
        name: 'skopeo',
        run: async () => bench.skopeoCopy(`docker://${image.ref}`, `docker://${bench.b.host}/${bench.name(`sl-sk-${count}`)}:latest`),
      },
    ]);
    const oc = med(runs.get('oci-copy'));
    const sk = med(runs.get('skopeo'));
    layerRows.push([count, seconds(oc), seconds(sk), ratio(sk, oc), `${(oc / count).toFixed(0)} ms`, `${(sk / count).toFixed(0)} ms`]);
  }
  await bench.renewDestination();

  const imageRows = [];
  for (const count of [1, 4, 16]) {
    const images: SourceImage[] = [];
    for (let i = 0; i < count; i++) images.push(await bench.image(numberedImage(i)));
    process.stderr.write(`scaling: ${count} images\n`);
    const pairs = (prefix: string): Array<[string, string]> =>
      images.map((img) => [img.ref, `${bench.b.host}/${bench.name(`${prefix}-${img.shape.name}`)}:latest`]);
    const sum = async (each: (pair: [string, string]) => Promise<Awaited<ReturnType<Bench['ociCopy']>>>, prefix: string) => {
      let ms = 0;
      let rssMB = 0;
      for (const pair of pairs(prefix)) {
        const m = await each(pair);
        ms += m.ms;
        rssMB = Math.max(rssMB, m.rssMB);
      }
      return { ms, rssMB, cpuMs: NaN, code: 0, stdout: '', stderr: '' };
    };
    const runs = await bench.compare([
      { name: 'cli', run: () => sum(([s, d]) => bench.ociCopy(s, d), 'si-cli') },
      { name: 'library sequential', run: () => bench.copyMany('sequential', DEFAULT_CONCURRENCY, pairs('si-seq')) },
      { name: 'library parallel', run: () => bench.copyMany('parallel', DEFAULT_CONCURRENCY, pairs('si-par')) },
      { name: 'skopeo', run: () => sum(([s, d]) => bench.skopeoCopy(`docker://${s}`, `docker://${d}`), 'si-sk') },
    ]);
    const cell = (n: string) => `${seconds(med(runs.get(n)))} (${(med(runs.get(n)) / count / 1000).toFixed(2)}/image)`;
    imageRows.push([count, cell('cli'), cell('library sequential'), cell('library parallel'), cell('skopeo')]);
  }
  await bench.renewDestination();
  out.section(
    'Scaling',
    'Layers (registry → another registry, each layer 512 KB):',
    '',
    table(['layers', 'oci-copy s', 'skopeo s', 'skopeo ÷ oci-copy', 'oci-copy per layer', 'skopeo per layer'], layerRows),
    '',
    'Images in one step (each 4 layers × 256 KB): `cli` and `skopeo` run one process per image, one after another (sum of wall times);',
    `\`library sequential\` copies them one after another in one process; \`library parallel\` copies all at once in one process (each image at concurrency ${DEFAULT_CONCURRENCY}).`,
    '',
    table(['images', 'oci-copy CLI s', 'library sequential s', 'library parallel s', 'skopeo s'], imageRows),
  );
}

/**
 * Peak memory with a ~1.15 GB image (one 1 GB layer and five smaller ones): registry → registry and
 * registry → archive by the action (under Node 24) and the CLI, against skopeo; archive → registry by
 * the CLI. Each run `reps` times: peak RSS is the median (the largest in brackets).
 */
export async function memorySection(bench: Bench, out: Output, sizeMB: number): Promise<void> {
  process.stderr.write(`memory: building a ${sizeMB} MB layer\n`);
  const node = await actionNode(bench);
  const image = await bench.image(gigabyteShape(sizeMB));
  const archiveNote = await archiveSupport(bench, (await bench.image(standardShapes(1)[0])).ref);
  const file = (prefix: string) => join(bench.work, `${bench.name(prefix)}.tar`);
  const intoRegistry = (prefix: string, copy: (ref: string) => Promise<Measured>) => async () => {
    const repo = bench.name(prefix);
    const m = await copy(`${bench.b.host}/${repo}:latest`);
    await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
    return m;
  };
  const intoArchive = (prefix: string, copy: (path: string) => Promise<Measured>) => async () => {
    const path = file(prefix);
    const m = await copy(path);
    const size = (await stat(path)).size;
    await rm(path, { force: true });
    if (size < image.layout.blobs.reduce((n, b) => n + b.size, 0))
      throw new Error(`${prefix} wrote a ${size}-byte archive, smaller than the image`);
    return m;
  };
  const groups: Array<[string, Contender[]]> = [
    [
      'registry → registry',
      [
        {
          name: 'action (Node 24)',
          run: intoRegistry('huge-act', (ref) => runActionMeasured(bench, node, { source: image.ref, destination: ref })),
        },
        { name: 'CLI', run: intoRegistry('huge-oc', (ref) => bench.ociCopy(image.ref, ref)) },
        { name: 'skopeo', run: intoRegistry('huge-sk', (ref) => bench.skopeoCopy(`docker://${image.ref}`, `docker://${ref}`)) },
      ],
    ],
  ];
  let imported: string | undefined;
  if (!archiveNote) {
    groups.push([
      'registry → oci-archive',
      [
        {
          name: 'action (Node 24)',
          run: intoArchive('huge-act', (p) =>
            runActionMeasured(bench, node, { source: image.ref, destination: `oci-archive:${p}:latest` }),
          ),
        },
        { name: 'CLI', run: intoArchive('huge-oc', (p) => bench.ociCopy(image.ref, `oci-archive:${p}:latest`)) },
        { name: 'skopeo', run: intoArchive('huge-sk', (p) => bench.skopeoCopy(`docker://${image.ref}`, `oci-archive:${p}:latest`)) },
      ],
    ]);
    imported = join(bench.work, 'huge-in.tar');
    const from = imported;
    groups.push([
      'oci-archive → registry',
      [{ name: 'CLI', run: intoRegistry('huge-imp-oc', (ref) => bench.ociCopy(`oci-archive:${from}:latest`, ref)) }],
    ]);
  }
  const rows: string[][] = [];
  for (const [what, contenders] of groups) {
    process.stderr.write(`memory: ${what}\n`);
    if (what === 'oci-archive → registry' && imported) await bench.skopeoCopy(`docker://${image.ref}`, `oci-archive:${imported}:latest`);
    const runs = await bench.compare(contenders);
    for (const [name, r] of runs) {
      rows.push([
        what,
        name,
        seconds(med(r)),
        seconds(med(r, (x) => x.cpuMs)),
        `${mb(med(r, (x) => x.rssMB))} (${mb(Math.max(...r.map((x) => x.rssMB)))})`,
      ]);
    }
    await bench.renewDestination();
  }
  if (imported) await rm(imported, { force: true });
  const cliNode = spawnSync(bench.node, ['--version']).stdout?.toString().trim();
  out.section(
    `Peak memory with a ${image.shape.describe} (goal for oci-copy: ≤ 100 MB)`,
    `The action runs under ${spawnSync(node, ['--version']).stdout?.toString().trim()} as in the table above, the CLI under ${cliNode}. ${bench.reps} runs each: median wall and CPU time (user + system);`,
    'peak RSS median (largest in brackets).',
    '',
    table(['copy', 'tool', 'wall s', 'CPU s', 'peak RSS MB'], rows),
    ...(archiveNote ? ['', `Archive rows SKIPPED: this build cannot copy to oci-archive: yet.`] : []),
  );
}

/** Start-up: the bundled action failing fast on a missing input, and the CLI's --help. */
export async function startupSection(bench: Bench, out: Output): Promise<void> {
  const runs = 10;
  const rows = [];
  const probes: Array<[string, string, string[], boolean]> = [
    ['node dist/index.js (no inputs)', bench.node, [join(CLI, '..', '..', 'index.js')], false],
    ['node dist/cli/index.js --help', bench.node, [CLI, '--help'], true],
    ['node -e 0 (bare node)', bench.node, ['-e', '0'], true],
    ['skopeo --version', 'skopeo', ['--version'], true],
  ];
  for (const [label, cmd, args, mustPass] of probes) {
    const times = [];
    const rss = [];
    for (let i = 0; i < runs; i++) {
      try {
        const m = await measure(bench.harness, cmd, args);
        times.push(m.ms);
        rss.push(m.rssMB);
      } catch (err) {
        if (mustPass) throw err;
        // the action exits 1 on the missing input, as it should; time the same way by hand
        const started = process.hrtime.bigint();
        const { spawnSync } = await import('node:child_process');
        spawnSync(cmd, args, { stdio: 'ignore', env: { PATH: process.env.PATH } });
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    rows.push([label, `${median(times).toFixed(0)} ms`, `${Math.min(...times).toFixed(0)} ms`, mb(median(rss))]);
  }
  out.section(`Start-up (${runs} runs each)`, table(['command', 'median', 'fastest', 'RSS MB'], rows));
}
