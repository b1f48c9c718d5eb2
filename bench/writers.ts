// Concurrent writers of one list: N processes at once, each adding its own referrer to a subject's
// `sha256-<hex>` index, or its own signature layer to its cosign `.sig` tag, on one distribution
// registry (no referrers API, no conditional writes). Entries lost, time from `go` until the last
// writer exited, and how many writers had to merge again. Needs `npx tsc -p tsconfig.json` first.
//
//   node lib/bench/writers.js [--writers 50] [--reps 3] [--kinds referrer,sig]
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { type ListKind, runConcurrentWriters } from '../test/support/concurrent-writers.js';
import { startRegistry } from '../test/support/registry.js';
import { median, seconds, table } from './table.js';

const { values } = parseArgs({
  options: {
    writers: { type: 'string', default: '50' },
    reps: { type: 'string', default: '3' },
    kinds: { type: 'string', default: 'referrer,sig' },
  },
});
const writers = Number(values.writers);
const reps = Number(values.reps);
const kinds = values.kinds!.split(',') as ListKind[];
for (const k of kinds) if (k !== 'referrer' && k !== 'sig') throw new Error(`unknown kind "${k}": choose from referrer, sig`);
if (!Number.isSafeInteger(writers) || writers < 1) throw new Error(`--writers ${values.writers}: give a whole number above 0`);
if (!Number.isSafeInteger(reps) || reps < 1) throw new Error(`--reps ${values.reps}: give a whole number above 0`);

const registry = await startRegistry();
const rows: string[][] = [];
try {
  for (const kind of kinds) {
    const runs = [];
    for (let rep = 0; rep < reps; rep++) {
      process.stderr.write(`${kind}: ${writers} writers, repetition ${rep + 1} of ${reps}\n`);
      const run = await runConcurrentWriters(registry, `writers/${kind}-${rep}`, kind, writers);
      if (run.failures.length) throw new Error(`${run.failures.length} writers failed: ${run.failures[0]}`);
      runs.push(run);
    }
    const lost = runs.map((r) => r.added.length - r.listed.length);
    rows.push([
      kind === 'referrer' ? '`sha256-<hex>` index' : '`sha256-<hex>.sig` layers',
      String(writers),
      lost.join(', '),
      runs.map((r) => r.merged).join(', '),
      seconds(median(runs.map((r) => r.ms))),
      seconds(Math.max(...runs.map((r) => r.ms))),
    ]);
  }
} finally {
  await registry.stop();
}
process.stdout.write(
  `${table(['list', 'writers', 'entries lost (each run)', 'writers that merged again (each run)', 'time, median (s)', 'time, slowest (s)'], rows)}\n`,
);
process.stdout.write(`\n${reps} runs each, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}\n`);
