// The same copies as the loopback sections, but through slow links: every registry sits behind a
// proxy that adds round-trip time and caps bandwidth, so request counts, connection reuse and
// pipelining show in wall time as they do against a registry across a network.
import { Agent, request } from 'undici';
import { type Bench, formatCounts, type Contender, type Run, type SourceImage } from './bench.js';
import type { Measured } from './measure.js';
import { startSlowLink, type LinkSettings, type LinkStats, type SlowLink } from './slow-link.js';
import { standardShapes } from './shapes.js';
import { median, type Output, ratio, seconds, table } from './table.js';

export interface WanOptions {
  /** Round-trip times to measure at, in ms (each link adds half of it per direction). */
  rtts: number[];
  /** Bandwidth cap per direction and registry, Mbit/s. */
  mbit: number;
  sharing: LinkSettings['sharing'];
}

const FAST: Partial<LinkSettings> = { delayMs: 0, mbit: 0 };
const med = (runs: Run[] | undefined, pick: (r: Run) => number = (r) => r.ms) => median((runs ?? []).map(pick));

/** `image` as seen through `link`: same repository and tag, the proxy's address. */
function via(link: SlowLink, image: SourceImage): SourceImage {
  return { ...image, ref: `${link.host}/${image.repo}:latest` };
}

function layerBytes(image: SourceImage): number {
  return image.layout.blobs.filter((b) => !/manifest|index/.test(b.mediaType)).reduce((s, b) => s + b.size, 0);
}

/**
 * Runs contenders as `Bench.compare` does and records what each run sent through the links.
 * `check` throws when a run's traffic did not go through the links as it must have.
 */
async function compareOverLinks(
  bench: Bench,
  links: SlowLink[],
  contenders: Contender[],
  watched: Parameters<Bench['compare']>[1],
  check: (name: string, stats: LinkStats[]) => void,
): Promise<{ runs: Map<string, Run[]>; traffic: Map<string, LinkStats[][]> }> {
  const traffic = new Map<string, LinkStats[][]>(contenders.map((c) => [c.name, []]));
  const wrapped = contenders.map((c) => ({
    name: c.name,
    run: async (rep: number): Promise<Measured> => {
      for (const l of links) l.resetStats();
      const m = await c.run(rep);
      const stats = links.map((l) => l.stats());
      check(c.name, stats);
      traffic.get(c.name)!.push(stats);
      return m;
    },
  }));
  return { runs: await bench.compare(wrapped, watched), traffic };
}

/** Measures the links themselves: round trip on a kept-alive connection, a new connection, throughput. */
async function calibrate(bench: Bench, a: SlowLink, b: SlowLink, blob: { repo: string; digest: string; size: number }): Promise<string[]> {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const timed = async (url: string, dispatcher: Agent) => {
    const started = performance.now();
    const res = await request(url, { dispatcher });
    let bytes = 0;
    for await (const chunk of res.body) bytes += (chunk as Buffer).length;
    if (res.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${res.statusCode}`);
    return { ms: performance.now() - started, bytes };
  };
  try {
    await timed(`${bench.a.url}/v2/`, agent);
    await timed(`${a.url}/v2/`, agent);
    const direct: number[] = [];
    const linked: number[] = [];
    for (let i = 0; i < 7; i++) {
      direct.push((await timed(`${bench.a.url}/v2/`, agent)).ms);
      linked.push((await timed(`${a.url}/v2/`, agent)).ms);
    }
    const fresh: number[] = [];
    for (let i = 0; i < 3; i++) {
      const once = new Agent();
      fresh.push((await timed(`${a.url}/v2/`, once)).ms);
      await once.close();
    }
    const { ms, bytes } = await timed(`${a.url}/v2/${blob.repo}/blobs/${blob.digest}`, agent);
    if (bytes !== blob.size) throw new Error(`GET ${blob.digest} through the link gave ${bytes} bytes, expected ${blob.size}`);
    // An upload's Location is built from the Host header, which the proxy passes on: it must name the proxy.
    const post = await request(`${b.url}/v2/wan-probe/blobs/uploads/`, { method: 'POST', dispatcher: agent });
    await post.body.dump();
    const location = new URL(String(post.headers.location), `${b.url}/v2/wan-probe/blobs/uploads/`);
    if (location.host !== b.host) throw new Error(`the registry's upload Location ${location.host} bypasses the slow link ${b.host}`);
    return [
      `${(median(linked) - median(direct)).toFixed(1)} ms`,
      `${median(fresh).toFixed(1)} ms`,
      `${((blob.size * 8) / ms / 1000).toFixed(0)} Mbit/s (${(blob.size / 2 ** 20).toFixed(0)} MB in ${seconds(ms)} s)`,
      `${location.host} (the proxy)`,
    ];
  } finally {
    await agent.close();
  }
}

export async function wanSection(bench: Bench, out: Output, largeMB: number, options: WanOptions): Promise<void> {
  await bench.renewDestination();
  const shapes = standardShapes(largeMB);
  const images: SourceImage[] = [];
  for (const shape of shapes) images.push(await bench.image(shape));
  const settings: LinkSettings = { delayMs: 0, mbit: 0, sharing: options.sharing };
  const a = await startSlowLink(bench.a.host, settings);
  let b = await startSlowLink(bench.b.host, settings);
  const copyRows: string[][] = [];
  const mountRows: string[][] = [];
  const calibrationRows: string[][] = [];
  try {
    // skopeo's warm blob-info cache keys on the address it pulled from: pull through the link (at full speed).
    const warm = new Map<string, string>();
    for (const image of images) warm.set(image.shape.name, await bench.warmSkopeoCache(via(a, image)));
    const multi = images.find((i) => i.shape.name === 'multi') ?? images[0];
    const probeBlob = [...multi.layout.blobs].sort((x, y) => y.size - x.size)[0];

    for (const rtt of options.rtts) {
      for (const l of [a, b]) l.set({ delayMs: rtt / 2, mbit: options.mbit });
      calibrationRows.push([
        `${rtt} ms`,
        ...(await calibrate(bench, a, b, { repo: multi.repo, digest: probeBlob.digest, size: probeBlob.size })),
      ]);

      for (const image of images) {
        const shape = image.shape;
        const src = via(a, image);
        const bytes = layerBytes(image);
        process.stderr.write(`wan ${rtt} ms: registry → registry: ${shape.name}\n`);
        const moved = (name: string, [sa, sb]: LinkStats[]) => {
          if (sa.bytesDown < bytes || sb.bytesUp < bytes) {
            throw new Error(
              `${name}: ${sa.bytesDown} bytes came through the source link and ${sb.bytesUp} went through the destination link, expected ≥ ${bytes} each`,
            );
          }
        };
        const copy = await compareOverLinks(
          bench,
          [a, b],
          [
            {
              name: 'oci-copy',
              run: async () => {
                const repo = bench.name(`wan-oc-${shape.name}`);
                const m = await bench.ociCopy(src.ref, `${b.host}/${repo}:latest`);
                await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
                return m;
              },
            },
            {
              name: 'skopeo',
              run: async () => {
                const repo = bench.name(`wan-sk-${shape.name}`);
                const m = await bench.skopeoCopy(`docker://${src.ref}`, `docker://${b.host}/${repo}:latest`);
                await bench.checkRoot(bench.b, repo, 'latest', image.layout.root.digest);
                return m;
              },
            },
          ],
          [bench.a, bench.b],
          moved,
        );
        const [oc, sk] = ['oci-copy', 'skopeo'].map((n) => copy.runs.get(n));
        const reqs = (r: Run[] | undefined) => (r?.[0] ? `${r[0].requests[0]?.total ?? 0} + ${r[0].requests[1]?.total ?? 0}` : '–');
        const conns = (n: string) => {
          const first = copy.traffic.get(n)?.[0];
          return first ? `${first[0].connections} + ${first[1].connections}` : '–';
        };
        copyRows.push([
          shape.name,
          `${rtt}`,
          seconds(med(oc)),
          seconds(med(sk)),
          ratio(med(sk), med(oc)),
          options.mbit > 0 ? seconds((bytes * 8) / (options.mbit * 1e3)) : '–',
          reqs(oc),
          reqs(sk),
          conns('oci-copy'),
          conns('skopeo'),
        ]);

        process.stderr.write(`wan ${rtt} ms: within one registry: ${shape.name}\n`);
        const into = (prefix: string) => {
          const repo = bench.name(`${prefix}-${shape.name}`);
          return { repo, ref: `${a.host}/${repo}:latest` };
        };
        const uploaded = (name: string, [sa]: LinkStats[]) => {
          if (sa.connections === 0) throw new Error(`${name} made no connection through the slow link`);
          if (name.includes('cold') && sa.bytesUp < bytes)
            throw new Error(`${name}: only ${sa.bytesUp} bytes went up the link, expected ≥ ${bytes}`);
        };
        const mount = await compareOverLinks(
          bench,
          [a],
          [
            {
              name: 'oci-copy',
              run: async () => {
                const d = into('wan-mnt-oc');
                const m = await bench.ociCopy(src.ref, d.ref);
                await bench.checkRoot(bench.a, d.repo, 'latest', image.layout.root.digest);
                return m;
              },
            },
            {
              name: 'skopeo (cold cache)',
              run: async () => {
                const d = into('wan-mnt-skc');
                const m = await bench.skopeoCopy(`docker://${src.ref}`, `docker://${d.ref}`);
                await bench.checkRoot(bench.a, d.repo, 'latest', image.layout.root.digest);
                return m;
              },
            },
            {
              name: 'skopeo (warm cache)',
              run: async () => {
                const d = into('wan-mnt-skw');
                const m = await bench.skopeoCopy(`docker://${src.ref}`, `docker://${d.ref}`, await bench.copyOfDir(warm.get(shape.name)!));
                await bench.checkRoot(bench.a, d.repo, 'latest', image.layout.root.digest);
                return m;
              },
            },
          ],
          [bench.a],
          uploaded,
        );
        for (const [name, r] of mount.runs) {
          mountRows.push([
            shape.name,
            `${rtt}`,
            name,
            seconds(med(r)),
            ratio(med(r), med(mount.runs.get('oci-copy'))),
            formatCounts(r[0]?.requests[0]),
            String(mount.traffic.get(name)?.[0]?.[0].connections ?? '–'),
          ]);
        }
      }
      // A fresh destination for the next round trip time, so its copies find nothing there.
      for (const l of [a, b]) l.set(FAST);
      await b.stop();
      await bench.renewDestination();
      b = await startSlowLink(bench.b.host, { ...settings, delayMs: rtt / 2, mbit: options.mbit });
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  const cap =
    options.mbit > 0
      ? `${options.mbit} Mbit/s per direction, ${options.sharing === 'shared' ? 'shared by all connections to a registry (served in turn)' : 'for each connection'}`
      : 'no bandwidth cap';
  out.section(
    `Across a slow link: RTT ${options.rtts.join(' and ')} ms, ${cap}`,
    'Each registry is reached through its own user-space proxy (`bench/slow-link.ts`) that delays every byte by half the RTT each way,',
    'charges a new connection one RTT for its handshake (no TLS: plain HTTP on both sides), and caps bandwidth. Link check, per RTT',
    '(extra time of a request on a kept-alive connection; a request on a new connection; a 16 MB blob GET; where an upload `Location` points):',
    '',
    table(['RTT', 'added per request', 'new connection + request', 'throughput', 'upload Location'], calibrationRows),
    '',
    'Registry → another registry (no mount possible). Requests and connections: source + destination, first repetition.',
    "`bytes ÷ cap`: the layers' size over the bandwidth cap, the least any tool needs.",
    '',
    table(
      [
        'image',
        'RTT ms',
        'oci-copy s',
        'skopeo s',
        'skopeo ÷ oci-copy',
        'bytes ÷ cap s',
        'oci-copy requests',
        'skopeo requests',
        'oci-copy connections',
        'skopeo connections',
      ],
      copyRows,
    ),
    '',
    'Within one registry (mounts), both through the same link; skopeo cold and warm as in the loopback table.',
    '',
    table(['image', 'RTT ms', 'tool', 'median s', '÷ oci-copy', 'requests (first repetition)', 'connections'], mountRows),
  );
}
