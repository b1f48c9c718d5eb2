// `npm run bench`: this tool against skopeo and against raw parallel uploads, on real registries on
// loopback. Prints Markdown tables; `--out FILE` also writes them to a file.
import { cpus, totalmem } from 'node:os';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { unsupportedNode } from '../src/runtime/node-version.js';
import { detectHarness } from './measure.js';
import { Bench } from './bench.js';
import { Output } from './table.js';
import { wanSection } from './wan.js';
import { hugeLayerSection } from './huge-layer.js';
import { immutableSection } from './immutable.js';
import { syncSection } from './sync.js';
import { integritySection } from './integrity.js';
import {
  actionRegistrySection,
  archiveSection,
  concurrencySection,
  memorySection,
  mountSection,
  registryToRegistrySection,
  scalingSection,
  startupSection,
} from './sections.js';

const SECTIONS = [
  'startup',
  'registry',
  'action',
  'mount',
  'wan',
  'sync',
  'integrity',
  'immutable',
  'archive',
  'concurrency',
  'scaling',
  'memory',
  'hugelayer',
] as const;
type Section = (typeof SECTIONS)[number];

function numberFrom(flag: string | undefined, env: string | undefined, fallback: number): number {
  const v = flag ?? env;
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string' },
      'large-mb': { type: 'string' },
      'huge-mb': { type: 'string' },
      'no-huge': { type: 'boolean' },
      'huge-layer-mb': { type: 'string' },
      only: { type: 'string' },
      'wan-rtt': { type: 'string' },
      'wan-mbit': { type: 'string' },
      'wan-sharing': { type: 'string' },
      out: { type: 'string' },
      node: { type: 'string' },
      'sync-tags': { type: 'string' },
      'sync-wan-tags': { type: 'string' },
      'immutable-tags': { type: 'string' },
      'check-images': { type: 'string' },
    },
  });
  const reps = numberFrom(values.reps, process.env.BENCH_REPS, 3);
  const largeMB = numberFrom(values['large-mb'], process.env.BENCH_LARGE_MB, 64);
  const hugeMB = numberFrom(values['huge-mb'], process.env.BENCH_HUGE_MB, 1024);
  const hugeLayerMB = numberFrom(values['huge-layer-mb'], process.env.BENCH_HUGE_LAYER_MB, 10240);
  const huge = !(values['no-huge'] || process.env.BENCH_NO_HUGE === '1');
  const wanRtts = (values['wan-rtt'] ?? process.env.BENCH_WAN_RTT ?? '20')
    .split(',')
    .filter(Boolean)
    .map((v) => numberFrom(v, undefined, 20));
  const wanMbit = Number(values['wan-mbit'] ?? process.env.BENCH_WAN_MBIT ?? 200);
  if (!Number.isFinite(wanMbit) || wanMbit < 0)
    throw new Error(`expected a bandwidth in Mbit/s (0 for none), got "${values['wan-mbit'] ?? process.env.BENCH_WAN_MBIT}"`);
  const wanSharing = values['wan-sharing'] ?? process.env.BENCH_WAN_SHARING ?? 'shared';
  if (wanSharing !== 'shared' && wanSharing !== 'per-connection')
    throw new Error(`expected --wan-sharing shared or per-connection, got "${wanSharing}"`);
  const list = (v: string | undefined, fallback: string) =>
    (v ?? fallback)
      .split(',')
      .filter(Boolean)
      .map((x) => numberFrom(x, undefined, 1));
  const syncTags = list(values['sync-tags'] ?? process.env.BENCH_SYNC_TAGS, '16,64,256');
  const syncWanTags = list(values['sync-wan-tags'] ?? process.env.BENCH_SYNC_WAN_TAGS, '16,64');
  const immutableTags = numberFrom(values['immutable-tags'], process.env.BENCH_IMMUTABLE_TAGS, 2000);
  const checkImages = numberFrom(values['check-images'], process.env.BENCH_CHECK_IMAGES, 1000);
  const node = values.node ?? process.env.BENCH_NODE ?? supportedNode();
  const nodeVersion = spawnSync(node, ['--version']).stdout?.toString().trim();
  if (!nodeVersion) throw new Error(`--node ${node}: not a Node.js that runs here`);
  const only = (values.only ?? process.env.BENCH_ONLY ?? '').split(',').filter(Boolean) as Section[];
  for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`unknown section "${s}": choose from ${SECTIONS.join(', ')}`);
  const wanted = (s: Section) => (only.length ? only.includes(s) : (s !== 'memory' && s !== 'hugelayer') || huge);

  const out = new Output();
  const harness = detectHarness();
  const version = (cmd: string, args: string[]) => (spawnSync(cmd, args).stdout?.toString() ?? '').trim().split('\n')[0];
  out.section(
    'Machine',
    `- CPU: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    `- memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- node ${nodeVersion} runs oci-copy, the floor and the library runs${node === process.execPath ? '' : ` (${node}; the bench itself: ${process.version})`}; ${version('skopeo', ['--version'])}; ${version('docker-registry', ['--version']) || 'docker-registry'}`,
    `- repetitions: ${reps} (median reported), tool order rotated every repetition`,
    `- peak RSS: ${harness.gnuTime ? 'GNU time %M (wait4 ru_maxrss)' : 'not available (no /usr/bin/time)'}`,
    `- skopeo blob-info cache: ${harness.isolatedSkopeoCache ? 'a fresh, empty directory bind-mounted over /var/lib/containers/cache for every process (unless a row says warm)' : 'NOT isolated (no mount namespace): skopeo may mount from earlier repetitions'}`,
  );

  const work = await mkdtemp(join(tmpdir(), 'oci-copy-bench-'));
  const bench = await Bench.start(work, harness, reps, node);
  try {
    if (wanted('startup')) await startupSection(bench, out);
    if (wanted('registry')) await registryToRegistrySection(bench, out, largeMB);
    // The action's table belongs to the registry section; `--only action` runs it alone.
    if (wanted('registry') || wanted('action')) await actionRegistrySection(bench, out);
    if (wanted('mount')) await mountSection(bench, out, largeMB);
    if (wanted('wan')) await wanSection(bench, out, largeMB, { rtts: wanRtts, mbit: wanMbit, sharing: wanSharing });
    if (wanted('sync')) {
      await syncSection(bench, out, { sizes: syncTags, wanSizes: syncWanTags, rtt: wanRtts[0], mbit: wanMbit, baseMB: 8 });
    }
    if (wanted('integrity')) await integritySection(bench, out, { images: checkImages, baseMB: 8 });
    if (wanted('immutable')) await immutableSection(bench, out, { tags: immutableTags, baseMB: 8 });
    if (wanted('archive')) await archiveSection(bench, out, largeMB);
    if (wanted('concurrency')) await concurrencySection(bench, out, largeMB);
    if (wanted('scaling')) await scalingSection(bench, out);
    if (wanted('memory')) await memorySection(bench, out, hugeMB);
    if (wanted('hugelayer')) await hugeLayerSection(bench, out, hugeLayerMB);
  } finally {
    await bench.stop();
    await rm(work, { recursive: true, force: true });
  }
  if (values.out) await writeFile(values.out, out.text());
}

main().catch((err) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
});

/** This Node.js when oci-copy runs on it; else Node 24, the action's runtime, from the npm registry (scripts/node-release.mjs). */
function supportedNode(): string {
  if (!unsupportedNode(process.version)) return process.execPath;
  const script = "import('./scripts/node-release.mjs').then((m) => process.stdout.write(m.node24()))";
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url),
    encoding: 'utf8',
  });
  if (res.status !== 0 || !res.stdout)
    throw new Error(
      `oci-copy needs Node 22 or later and Node 24 could not be fetched: ${res.stderr.trim().split('\n').pop()}; pass --node`,
    );
  return res.stdout;
}
