// One huge layer, registry → registry, through a loopback front that refuses request bodies over
// 100 MB (413, as Cloudflare does) and drops the connection of the next upload request after every
// 600 MB of upload bodies; beside the same copy straight to the registry, and beside skopeo.
import { startFront } from '../test/support/huge-front.js';
import type { Bench } from './bench.js';
import type { Measured } from './measure.js';
import type { Shape } from './shapes.js';
import { mb, type Output, seconds, table } from './table.js';

const MB = 1024 * 1024;
const CAP_BYTES = 100_000_000;
const DROP_EVERY_BYTES = 600_000_000;

function hugeLayerShape(sizeMB: number): Shape {
  return {
    name: `layer-${sizeMB}`,
    describe: `one ${sizeMB} MiB layer`,
    spec: { platforms: [{ architecture: 'amd64', layers: [{ size: sizeMB * MB, seed: 'huge-layer-bench' }] }], index: false },
  };
}

/** What went twice, from `--json`: each blob's `resent`. */
function resentOf(m: Measured): number {
  try {
    const out = JSON.parse(m.stdout) as { blobs?: Array<{ resent?: number }> };
    return (out.blobs ?? []).reduce((n, b) => n + (b.resent ?? 0), 0);
  } catch {
    return NaN;
  }
}

export async function hugeLayerSection(bench: Bench, out: Output, sizeMB: number): Promise<void> {
  process.stderr.write(`huge layer: building a ${sizeMB} MiB layer\n`);
  const image = await bench.image(hugeLayerShape(sizeMB));
  const layer = image.layout.blobs.reduce((a, b) => (b.size > a.size ? b : a));
  const front = await startFront(bench.b.url, { capBytes: CAP_BYTES, dropEveryBytes: DROP_EVERY_BYTES });
  const rows: string[][] = [];
  const run = async (name: string, through: boolean, copy: (ref: string) => Promise<Measured>) => {
    const repo = bench.name('huge-layer');
    front.reset();
    const host = through ? front.host : bench.b.host;
    process.stderr.write(`huge layer: ${name}\n`);
    let m: Measured | undefined;
    let failure: string | undefined;
    try {
      m = await copy(`${host}/${repo}:latest`);
      await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
    } catch (err) {
      // The tool's own last word: skopeo's `level=fatal msg=…`, oci-copy's `oci-copy: …` line.
      const lines = (err as Error).message.split('\n').filter((l) => /fatal|oci-copy: |error/i.test(l));
      failure = (lines.at(-1) ?? (err as Error).message.split('\n')[0]).replace(/^.*msg="?/, '').replace(/"$/, '');
    }
    const s = front.stats();
    const resent = m ? resentOf(m) : NaN;
    rows.push([
      name,
      failure ? `failed: ${failure.slice(0, 200)}` : 'landed',
      m ? seconds(m.ms) : '–',
      m ? mb(m.rssMB) : '–',
      through ? `${s.tooLarge} × 413, ${s.drops} drops` : 'none',
      Number.isFinite(resent) ? `${(resent / MB).toFixed(1)} MiB (${((resent / layer.size) * 100).toFixed(2)} %)` : '–',
      through ? `${((s.forwardedUploadBytes + s.lostUploadBytes) / MB).toFixed(0)} MiB` : '–',
    ]);
  };
  try {
    await run('oci-copy through the front', true, (ref) => bench.ociCopy(image.ref, ref, ['--json']));
    await run('oci-copy, no front', false, (ref) => bench.ociCopy(image.ref, ref, ['--json']));
    await run('skopeo, no front', false, (ref) => bench.skopeoCopy(`docker://${image.ref}`, `docker://${ref}`));
    await run('skopeo through the front', true, (ref) => bench.skopeoCopy(`docker://${image.ref}`, `docker://${ref}`));
  } finally {
    await front.stop();
    await bench.renewDestination();
  }
  out.section(
    `One ${sizeMB} MiB layer, registry → registry, through a front that caps bodies and drops connections`,
    `The front (test/support/huge-front.ts) refuses request bodies over ${CAP_BYTES / 1e6} MB with 413 and drops the connection of the next`,
    `upload request after every ${DROP_EVERY_BYTES / 1e6} MB of upload bodies. oci-copy's "resent" is what it counted as sent twice (\`--json\`); "reached the front"`,
    "is every upload byte the front received, the registry's and the refused ones.",
    '',
    table(['run', 'outcome', 'time s', 'peak RSS MB', 'faults', 'resent', 'upload bytes that reached the front'], rows),
  );
}
