// A hostile source registry, by what it serves rather than how: descriptors that are not what they
// say, one digest described two ways, graphs that never end, referrers that never end, and text
// meant to act on the log or the terminal. Each case runs the CLI from the hostile registry to the
// honest one and asserts what every hostile case asserts (see hostile-world.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  OCI_EMPTY,
  OCI_INDEX,
  OCI_LAYER,
  OCI_MANIFEST,
  type ContentStore,
  type Desc,
  type HostileRegistry,
} from '../support/hostile-registry.js';
import {
  assertCase,
  assertActionCase,
  CASE_TIMEOUT_ENV,
  DST_CREDS,
  HOSTILE_CREDS,
  runActionMeasured,
  runCli,
  userPass,
  withWorld,
  type HostileCase,
  type HostileWorld,
} from '../support/hostile-world.js';

interface ContentCase extends HostileCase {
  /** The root to tag v1 (the hostile registry also gets `h.referrers` set up here when needed). */
  root(store: ContentStore, h: HostileRegistry, repo: string): Desc;
  /** Also run through the bundled action. */
  action?: boolean;
}

let world: HostileWorld;
const FORGED = 'x\n::add-mask::forged\r\n::warning::forged ##[stop-commands]tok \x1b]0;title\x07\x1b[2J\u202e';
/** FORGED as a line shows it, and as a pattern matching exactly that text. */
const ESCAPED = 'x\\x0a::add-mask::forged\\x0d\\x0a::warning::forged #\\x23[stop-commands]tok \\x1b]0;title\\x07\\x1b[2J\\u{202e}';
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A manifest whose one layer descriptor is the stored layer with `change` applied. */
function layerChanged(change: Record<string, unknown>): ContentCase['root'] {
  return (store) => {
    const layer = store.put(OCI_LAYER, Buffer.from('a layer'));
    return store.manifest([{ ...layer, ...change }]);
  };
}

const MALFORMED = /^reading \[registry\] 127\.0\.0\.1:[0-9]+\/h\/ca?[0-9]+: manifest sha256:[0-9a-f]{64} is malformed: /;
const malformed = (rest: RegExp) => new RegExp(`${MALFORMED.source}.*${rest.source}`);

/** A chain of `depth` indexes over one small image, built from the bottom up. */
function chain(store: ContentStore, depth: number): Desc {
  let top = store.image(1, 100);
  for (let i = 0; i < depth; i++) {
    const bytes = Buffer.from(
      `{"schemaVersion":2,"mediaType":"${OCI_INDEX}","manifests":[{"mediaType":"${top.mediaType}","digest":"${top.digest}","size":${top.size}}]}`,
    );
    top = store.put(OCI_INDEX, bytes);
  }
  return top;
}

const cases: ContentCase[] = [
  // --- descriptors checked as the manifest is read, before the destination is asked anything ---
  {
    name: 'a layer digest in upper case',
    root: layerChanged({ digest: `sha256:${'AB'.repeat(32)}` }),
    code: 1,
    line: malformed(/layers\[0\] has a digest "sha256:(AB){32}" that is not sha256:<64 lower-case hex digits>$/),
    action: true,
  },
  {
    name: 'a layer digest of an unknown algorithm',
    root: layerChanged({ digest: `md5:${'ab'.repeat(16)}` }),
    code: 1,
    line: malformed(/layers\[0\] has a digest "md5:(ab){16}" that uses the algorithm "md5", which is not sha256 or sha512$/),
  },
  {
    name: 'a layer digest that is a path',
    root: layerChanged({ digest: 'sha256:../../../../etc/passwd' }),
    code: 1,
    line: malformed(/layers\[0\] has a digest "sha256:\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" that is not of the form <algorithm>:<encoded>$/),
  },
  {
    name: 'a sha512 digest too short',
    root: layerChanged({ digest: `sha512:${'ab'.repeat(32)}` }),
    code: 1,
    line: malformed(/is not sha512:<128 lower-case hex digits>$/),
  },
  {
    name: 'a digest with a newline',
    root: layerChanged({ digest: `sha256:${'ab'.repeat(32)}\n::error::x` }),
    code: 1,
    line: malformed(/has a digest "sha256:(ab){32}\\x0a::error:…" that is not of the form/),
  },
  {
    name: 'a negative size',
    root: layerChanged({ size: -1 }),
    code: 1,
    line: malformed(/layers\[0\] has a size -1 that is not a whole number of bytes from 0 to 2\^53-1$/),
  },
  {
    name: 'a size beyond 2^53',
    root: layerChanged({ size: 2 ** 60 }),
    code: 1,
    line: malformed(/has a size 1152921504606847000 that is not a whole number/),
  },
  { name: 'a fractional size', root: layerChanged({ size: 1.5 }), code: 1, line: malformed(/has a size 1\.5 that is not a whole number/) },
  { name: 'a size in a string', root: layerChanged({ size: '7' }), code: 1, line: malformed(/has a size "7" that is not a whole number/) },
  { name: 'no size', root: layerChanged({ size: undefined }), code: 1, line: malformed(/layers\[0\] lacks a size$/) },
  { name: 'no media type', root: layerChanged({ mediaType: undefined }), code: 1, line: malformed(/layers\[0\] lacks a mediaType$/) },
  {
    name: 'annotations that are not strings',
    root: layerChanged({ annotations: { a: { b: 1 } } }),
    code: 1,
    line: malformed(/annotations that are not a map of strings$/),
  },
  {
    name: 'urls that are not strings',
    root: layerChanged({ urls: [7] }),
    code: 1,
    line: malformed(/urls that are not a list of strings$/),
  },
  {
    name: 'no config',
    root: (store) => store.json(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }),
    code: 1,
    line: malformed(/config is not a descriptor$/),
  },
  {
    name: 'layers that are not a list',
    root: (store) =>
      store.manifest([]) &&
      store.json(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config: store.put(OCI_EMPTY, '{}'), layers: { 0: 'x' } }),
    code: 1,
    line: malformed(/"layers" is not a list of descriptors$/),
  },
  {
    name: 'an index whose manifests are null',
    root: (store) => store.json(OCI_INDEX, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: null }),
    code: 1,
    line: /^resolving|index sha256:[0-9a-f]{64} is malformed: "manifests" is not a list of descriptors$/,
  },
  {
    name: 'a platform whose os is a number',
    root: (store) => store.index([{ ...store.image(), platform: { os: 7, architecture: 'amd64' } }]),
    code: 1,
    line: /is malformed: manifests\[0\] has a platform without os and architecture$/,
  },
  {
    name: 'a subject with a bad digest',
    root: (store) => store.manifest([], { subject: { mediaType: OCI_MANIFEST, digest: 'sha256:zz', size: 1 } }),
    code: 1,
    line: malformed(/subject has a digest "sha256:zz" that is not sha256:<64 lower-case hex digits>$/),
  },
  // --- one digest, one node ---
  {
    name: 'an index listing a manifest first as a blob, then as a manifest',
    root: (store) => {
      const image = store.image();
      return store.index([{ ...image, mediaType: 'application/octet-stream' }, image]);
    },
    code: 1,
    line: /\[registry\] .* lists sha256:[0-9a-f]{64} two ways: as a blob \(application\/octet-stream\) of [0-9]+ bytes in index sha256:[0-9a-f]{64}, and as a manifest \(application\/vnd\.oci\.image\.manifest\.v1\+json\) of [0-9]+ bytes in index sha256:[0-9a-f]{64}; one digest must describe one piece of content$/,
    action: true,
  },
  {
    name: 'one layer listed with two sizes',
    root: (store) => {
      const layer = store.put(OCI_LAYER, Buffer.from('a layer of some bytes'));
      return store.manifest([layer, { ...layer, size: layer.size + 1 }]);
    },
    code: 1,
    line: /lists sha256:[0-9a-f]{64} two ways: as a blob \(.*\) of 21 bytes in manifest sha256:[0-9a-f]{64}, and as a blob \(.*\) of 22 bytes in manifest/,
  },
  {
    name: 'one digest listed as an index and as a manifest',
    root: (store) => {
      const inner = store.index([store.image()]);
      return store.index([inner, { ...inner, mediaType: OCI_MANIFEST }]);
    },
    code: 1,
    line: /two ways: as an index \(.*\) of [0-9]+ bytes in index sha256:[0-9a-f]{64}, and as a manifest \(.*\)/,
  },
  {
    name: 'a manifest listed with a size its bytes do not have',
    root: (store) => {
      const image = store.image();
      return store.index([{ ...image, size: image.size + 5 }]);
    },
    code: 1,
    line: /size mismatch for sha256:[0-9a-f]{64}: expected [0-9]+ bytes, got [0-9]+$/,
  },
  {
    name: 'a manifest listed as an index',
    root: (store) => {
      const image = store.image();
      return store.index([{ ...image, mediaType: OCI_INDEX }]);
    },
    code: 1,
    line: /index sha256:[0-9a-f]{64} is malformed: "manifests" is not a list of descriptors$/,
  },
  // --- graphs and referrers no source can make endless ---
  {
    name: 'an index chain 100,000 deep',
    root: (store) => chain(store, 100_000),
    code: 1,
    line: /index sha256:[0-9a-f]{64} in \[registry\] .* lists content more than 32 levels below the root: refusing a graph that deep$/,
    action: true,
  },
  { name: 'an index chain 31 deep', root: (store) => chain(store, 31), code: 0, maxMs: 40_000 },
  {
    name: 'an index of two manifests of 25,000 layers each',
    root: (store) => {
      const config = store.put(OCI_EMPTY, '{}');
      const images = [0, 1].map((m) => {
        // Layers the registry really holds, so the one failure the copy can meet is the limit.
        const layers = Array.from({ length: 25_000 }, (_, i) => store.put(OCI_LAYER, `layer ${m * 25_000 + i}`));
        return store.json(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers });
      });
      return store.index(images);
    },
    code: 1,
    line: /the graph in \[registry\] .* has more than 50000 nodes \(manifest sha256:[0-9a-f]{64} lists more\): refusing a graph that large$/,
    // Every node of the first manifest is under way when the second is read: bounded by the limit.
    maxRssMiB: 300,
  },
  {
    name: 'referrers that never end (each one gets a new referrer)',
    root: (store, h, repo) => {
      const image = store.image();
      h.referrers(repo, (subject) => {
        const found = store.get(subject);
        if (!found) return undefined;
        const referrer = store.json(OCI_MANIFEST, {
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: 'application/vnd.example.signature',
          config: store.put(OCI_EMPTY, '{}'),
          layers: [],
          subject: { mediaType: found.mediaType, digest: subject, size: found.bytes.length },
        });
        return [{ ...referrer, artifactType: 'application/vnd.example.signature' }];
      });
      return image;
    },
    args: ['--referrers'],
    code: 1,
    line: /\[registry\] .* has referrers of referrers more than 8 generations deep \(under sha256:[0-9a-f]{64}\): refusing to follow them further$/,
  },
  {
    name: 'a referrers list naming a bad digest',
    root: (store, h, repo) => {
      const image = store.image();
      h.referrers(repo, () => [{ mediaType: OCI_MANIFEST, digest: 'sha256:../../x', size: 10 }]);
      return image;
    },
    args: ['--referrers'],
    code: 1,
    line: /referrers of sha256:[0-9a-f]{64} is malformed: manifests\[0\] has a digest "sha256:\.\.\/\.\.\/x" that is not of the form <algorithm>:<encoded>$/,
  },
  // --- text meant for the log and the terminal: escaped, and the copy goes on ---
  {
    name: 'a layer media type that forges log lines',
    root: layerChanged({ mediaType: FORGED }),
    code: 0,
    check: (run) => assert.match(run.stderr, new RegExp(`^Copied  [0-9a-f]{12} ${literal(ESCAPED)}$`, 'm')),
    action: true,
  },
  {
    name: 'a layer media type of 10,000 characters',
    root: layerChanged({ mediaType: `application/${'x'.repeat(10_000)}` }),
    code: 0,
    check: (run) => assert.ok(run.stderr.split('\n').every((l) => l.length < 700)),
  },
  {
    name: 'a config media type with a carriage return',
    root: (store) => store.manifest([], {}, store.put('application/vnd.oci.image.config.v1+json\rForged', '{}')),
    code: 0,
  },
  {
    name: 'platforms that forge log lines, and a platform asked for that is not there',
    root: (store) => store.index([{ ...store.image(), platform: { os: FORGED, architecture: 'amd64' } }]),
    args: ['--platform', 'linux/s390x'],
    code: 1,
    line: new RegExp(
      `platform linux/s390x is not in \\[registry\\] .* \\((v1|sha256:[0-9a-f]{64})\\): it has ${literal(ESCAPED.slice(0, 60))}`,
    ),
  },
  {
    name: 'a foreign layer pointing at another host',
    root: (store) => {
      const layer = store.put(OCI_LAYER, Buffer.from('foreign'));
      return store.manifest([
        {
          ...layer,
          mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
          urls: [`${world.elsewhere.url}/foreign-layer`],
        },
      ]);
    },
    code: 0,
    check: () => assert.ok(!world.elsewhere.requests().some((r) => r.path.includes('foreign-layer')), 'a foreign layer is not fetched'),
  },
  { name: 'an empty index', root: (store) => store.index([]), code: 0 },
];

describe('a hostile source registry: what it serves', { concurrency: 4, timeout: 180_000 }, () => {
  withWorld((w) => (world = w));

  const args = (repo: string, dst: string, extra: string[] = []) => [
    `${world.hostile.host}/${repo}:v1`,
    `${world.front.host}/${dst}:v1`,
    '--src-creds',
    userPass(HOSTILE_CREDS),
    '--dest-creds',
    userPass(DST_CREDS),
    '--no-blob-cache',
    ...extra,
  ];

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const repo = `h/c${i}`;
      world.hostile.serve(repo);
      world.hostile.serve(repo, { v1: c.root(world.hostile.store, world.hostile, repo) });
      const run = await runCli(world, args(repo, `d/c${i}`, c.args), { ...CASE_TIMEOUT_ENV, ...c.env });
      await assertCase(world, c, run, { repo: `d/c${i}`, tag: 'v1' });
    });
  }

  for (const [i, c] of cases.entries()) {
    if (!c.action) continue;
    it(`${c.name}, as the bundled action`, async () => {
      const repo = `h/ca${i}`;
      world.hostile.serve(repo);
      world.hostile.serve(repo, { v1: c.root(world.hostile.store, world.hostile, repo) });
      const run = await runActionMeasured(world, {
        source: `${world.hostile.host}/${repo}:v1`,
        destination: `${world.front.host}/d/ca${i}:v1`,
        'source-username': HOSTILE_CREDS.user,
        'source-password': HOSTILE_CREDS.password,
        'destination-username': DST_CREDS.user,
        'destination-password': DST_CREDS.password,
        'blob-cache': 'false',
      });
      await assertActionCase(world, c, run, { repo: `d/ca${i}`, tag: 'v1' });
    });
  }
});
