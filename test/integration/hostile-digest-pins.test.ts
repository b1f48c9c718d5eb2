// A digest is a pin: a source (or a destination) asked for sha256:A that answers with another
// digest, in a header, in the bytes it sends or in a referrer's subject, fails the copy with one
// line naming both digests, and nothing of the image is written. Names no registry takes are
// refused before any request. Each case runs the CLI (one case the compiled action) between the
// test's own registry and a real one, and checks the real one through skopeo and its request log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OCI_EMPTY, OCI_MANIFEST, type Desc, type Exchange, type HostileRegistry } from '../support/hostile-registry.js';
import {
  assertCase,
  assertCleanOutput,
  assertNoSecret,
  assertTag,
  CASE_TIMEOUT_ENV,
  DST_CREDS,
  errorLine,
  HOSTILE_CREDS,
  runCli,
  userPass,
  withWorld,
  type HostileCase,
  type HostileWorld,
} from '../support/hostile-world.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { copy, FileBlobInfoCache, openRegistryRepository } from '../../src/lib.js';

let world: HostileWorld;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** What a case sets up on the hostile registry, and the source reference the copy reads. */
interface PinCase extends HostileCase {
  setup(h: HostileRegistry, repo: string): { source: string; line?: RegExp };
  /** The lie is about the root: refused before anything at all is written to the destination. */
  writesNothing?: boolean;
}

/** Answers manifest requests for `asked` (by these methods) with `given`'s bytes and `header` as its digest. */
function answerWith(h: HostileRegistry, asked: string, given: Desc, header: string | undefined, methods = ['HEAD', 'GET']) {
  return (x: Exchange): boolean => {
    if (x.rest !== `manifests/${asked}` || !methods.includes(x.method)) return false;
    const stored = h.store.get(given.digest)!;
    x.res.writeHead(200, {
      'content-type': stored.mediaType,
      'content-length': stored.bytes.length,
      ...(header ? { 'docker-content-digest': header } : {}),
    });
    x.res.end(x.method === 'HEAD' ? undefined : stored.bytes);
    return true;
  };
}

/** A referrer (a signature) whose own `subject` is `subject`. */
function signatureOf(h: HostileRegistry, subject: Desc): Desc {
  const sig = h.store.json(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.example.signature',
    config: h.store.put(OCI_EMPTY, '{}'),
    layers: [h.store.put('application/vnd.example.signature', `signed ${subject.digest}`)],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  });
  return { ...sig, artifactType: 'application/vnd.example.signature' };
}

/** Refused, naming the repository asked by digest, the digest asked for and the one answered. */
/** Where the lie is caught: resolving the root, or fetching its manifest once a true HEAD has resolved it. */
const where = (repo: string, a: Desc) =>
  `(?:resolving 127\\.0\\.0\\.1:[0-9]+/${esc(repo)}@${a.digest}|fetching manifest ${a.digest} from 127\\.0\\.0\\.1:[0-9]+/${esc(repo)})`;

const headerLie = (repo: string, a: Desc, b: Desc) =>
  new RegExp(
    `^${where(repo, a)}: the registry answered ${b.digest} \\(its Docker-Content-Digest\\) for ${a.digest}: refused, a digest pins the content it names$`,
  );

const cases: PinCase[] = [
  {
    name: 'the pinned digest answered with another image it serves (HEAD and GET)',
    writesNothing: true,
    setup: (h, repo) => {
      const [a, b] = [h.store.image(1, 2000), h.store.image(1, 2000)];
      h.serve(repo, {}, answerWith(h, a.digest, b, b.digest));
      return { source: `${repo}@${a.digest}`, line: headerLie(repo, a, b) };
    },
    code: 1,
  },
  {
    // Once believed, this header became "…@sha256:B not found": the digest asked for was lost.
    name: 'the pinned digest answered, by a HEAD, with a digest of nothing it has',
    writesNothing: true,
    setup: (h, repo) => {
      const a = h.store.image(1, 2000);
      const b = { ...a, digest: `sha256:${'b'.repeat(64)}` };
      h.serve(repo, {}, answerWith(h, a.digest, a, b.digest, ['HEAD']));
      return { source: `${repo}@${a.digest}`, line: headerLie(repo, a, b) };
    },
    code: 1,
  },
  {
    name: 'a true HEAD, then a GET of the pinned digest answered with another image and its digest',
    writesNothing: true,
    setup: (h, repo) => {
      const [a, b] = [h.store.image(1, 2000), h.store.image(1, 2000)];
      h.serve(repo, {}, answerWith(h, a.digest, b, b.digest, ['GET']));
      return { source: `${repo}@${a.digest}`, line: headerLie(repo, a, b) };
    },
    code: 1,
  },
  {
    name: "a GET of the pinned digest answered with another image's bytes under the digest asked for",
    writesNothing: true,
    setup: (h, repo) => {
      const [a, b] = [h.store.image(1, 2000), h.store.image(1, 2000)];
      h.serve(repo, {}, answerWith(h, a.digest, b, a.digest, ['GET']));
      return {
        source: `${repo}@${a.digest}`,
        line: new RegExp(`^${where(repo, a)}: the registry sent other content: digest mismatch: expected ${a.digest}, got ${b.digest}$`),
      };
    },
    code: 1,
  },
  {
    name: "a GET of the pinned digest answered with another image's bytes and no digest",
    writesNothing: true,
    setup: (h, repo) => {
      const [a, b] = [h.store.image(1, 2000), h.store.image(1, 2000)];
      h.serve(repo, {}, answerWith(h, a.digest, b, undefined, ['GET']));
      return { source: `${repo}@${a.digest}`, line: new RegExp(`digest mismatch: expected ${a.digest}, got ${b.digest}$`) };
    },
    code: 1,
  },
  {
    name: 'a manifest the index lists, asked by digest, answered with another image',
    setup: (h, repo) => {
      const [m, other] = [h.store.image(1, 2000), h.store.image(1, 2000)];
      const index = h.store.index([{ ...m, platform: { os: 'linux', architecture: 'amd64' } }]);
      h.serve(repo, { v1: index }, answerWith(h, m.digest, other, other.digest));
      return {
        source: `${repo}:v1`,
        line: new RegExp(
          `^fetching manifest ${m.digest} from 127\\.0\\.0\\.1:[0-9]+/${esc(repo)}: the registry answered ${other.digest} \\(its Docker-Content-Digest\\) for ${m.digest}: refused`,
        ),
      };
    },
    code: 1,
  },
  {
    name: 'a layer whose GET names another digest',
    setup: (h, repo) => {
      const image = h.store.image(1, 2000);
      const layer = (JSON.parse(h.store.get(image.digest)!.bytes.toString()) as { layers: Desc[] }).layers[0];
      const other = `sha256:${'c'.repeat(64)}`;
      h.serve(repo, { v1: image }, (x) => {
        if (x.method !== 'GET' || x.rest !== `blobs/${layer.digest}`) return false;
        const bytes = h.store.get(layer.digest)!.bytes;
        x.res
          .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, 'docker-content-digest': other })
          .end(bytes);
        return true;
      });
      return {
        source: `${repo}:v1`,
        line: new RegExp(
          `^fetching blob ${layer.digest} from 127\\.0\\.0\\.1:[0-9]+/${esc(repo)}: the registry answered ${other} \\(its Docker-Content-Digest\\) for ${layer.digest}: refused`,
        ),
      };
    },
    code: 1,
  },
  {
    name: 'a referrer listed (referrers API) for the image whose subject is another image',
    setup: (h, repo) => {
      const [image, other] = [h.store.image(1, 2000), h.store.image(1, 2000)];
      const sig = signatureOf(h, other);
      h.serve(repo, { v1: image });
      h.referrers(repo, (subject) => (subject === image.digest ? [sig] : undefined));
      return {
        source: `${repo}:v1`,
        line: new RegExp(
          `^\\[registry\\] 127\\.0\\.0\\.1:[0-9]+/${esc(repo)} lists ${sig.digest} as a referrer of ${image.digest}, but its subject is ${other.digest}: refused$`,
        ),
      };
    },
    args: ['--referrers'],
    code: 1,
  },
  {
    name: "the image's sha256-<hex> referrers index listing another image's signature",
    setup: (h, repo) => {
      const [image, other] = [h.store.image(1, 2000), h.store.image(1, 2000)];
      const sig = signatureOf(h, other);
      const index = h.store.index([sig]);
      h.serve(repo, { v1: image, [image.digest.replace(':', '-')]: index });
      return {
        source: `${repo}:v1`,
        line: new RegExp(`lists ${sig.digest} as a referrer of ${image.digest}, but its subject is ${other.digest}: refused$`),
      };
    },
    args: ['--referrers'],
    code: 1,
  },
  // --- an honest source: nothing changes ---
  {
    name: 'an honest registry, the source pinned by digest',
    setup: (h, repo) => {
      const a = h.store.image(1, 2000);
      h.serve(repo, {});
      return { source: `${repo}@${a.digest}` };
    },
    code: 0,
  },
  {
    name: 'an honest registry, the pinned image signed (referrers API)',
    setup: (h, repo) => {
      const a = h.store.image(1, 2000);
      const sig = signatureOf(h, a);
      h.serve(repo, {});
      h.referrers(repo, (subject) => (subject === a.digest ? [sig] : undefined));
      return { source: `${repo}@${a.digest}` };
    },
    args: ['--referrers'],
    code: 0,
  },
];

/** Requests that wrote to `repo` on the honest side (through the front). */
function writesTo(w: HostileWorld, repo: string): string[] {
  return w.front
    .requests()
    .filter((r) => r.path.startsWith(`/v2/${repo}/`) && r.method !== 'GET' && r.method !== 'HEAD')
    .map((r) => `${r.method} ${r.path}`);
}

const cliArgs = (source: string, destination: string, extra: string[] = []) => [
  source,
  destination,
  '--src-creds',
  userPass(HOSTILE_CREDS),
  '--dest-creds',
  userPass(DST_CREDS),
  '--no-blob-cache',
  ...extra,
];

describe('a digest is a pin: no answer swaps the image', { concurrency: 4, timeout: 180_000 }, () => {
  withWorld((w) => (world = w));

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const repo = `h/p${i}`;
      const dst = `d/p${i}`;
      const { source, line } = c.setup(world.hostile, repo);
      const run = await runCli(
        world,
        cliArgs(`${world.hostile.host}/${source}`, `${world.front.host}/${dst}:v1`, c.args),
        CASE_TIMEOUT_ENV,
      );
      await assertCase(world, { ...c, ...(line ? { line } : {}) }, run, { repo: dst, tag: 'v1' });
      if (c.writesNothing) assert.deepEqual(writesTo(world, dst), [], 'nothing written');
    });
  }

  it('a destination asked for its pinned digest that answers with another', async () => {
    const h = world.hostile;
    const image = h.store.image(1, 2000);
    const other = `sha256:${'d'.repeat(64)}`;
    h.serve('h/pd');
    // The destination: the real registry behind the hostile one, whose HEAD for the digest lies.
    h.forward('d/pd', (x) => {
      if (x.method !== 'HEAD' || x.rest !== `manifests/${image.digest}`) return false;
      x.res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': image.size, 'docker-content-digest': other }).end();
      return true;
    });
    const run = await runCli(world, cliArgs(`${h.host}/h/pd@${image.digest}`, `${h.host}/d/pd@${image.digest}`), CASE_TIMEOUT_ENV);
    await assertCase(
      world,
      {
        name: 'destination digest',
        code: 1,
        line: new RegExp(
          `^checking manifest ${image.digest} in 127\\.0\\.0\\.1:[0-9]+/d/pd: the registry answered ${other} \\(its Docker-Content-Digest\\) for ${image.digest}: refused`,
        ),
      },
      run,
    );
    const writes = h.requests().filter((r) => r.repo === 'd/pd' && r.method !== 'GET' && r.method !== 'HEAD');
    assert.deepEqual(writes, [], 'nothing written to the destination');
  });

  it('a re-run of an unchanged pinned image costs HEADs only, on both sides', async () => {
    const h = world.hostile;
    const image = h.store.image(2, 3000);
    h.serve('h/rerun');
    const args = cliArgs(`${h.host}/h/rerun@${image.digest}`, `${world.front.host}/d/rerun:v1`);
    const first = await runCli(world, args, CASE_TIMEOUT_ENV);
    assert.equal(first.code, 0, first.stderr);
    await assertTag(world, 'd/rerun', 'v1', true);
    const [sourceSeen, frontSeen] = [h.requests().length, world.front.requests().length];
    const again = await runCli(world, args, CASE_TIMEOUT_ENV);
    assert.equal(again.code, 0, again.stderr);
    const sourceAsked = h
      .requests()
      .slice(sourceSeen)
      .filter((r) => r.repo === 'h/rerun');
    const destinationAsked = world.front
      .requests()
      .slice(frontSeen)
      .filter((r) => r.path.startsWith('/v2/d/rerun/'));
    assert.ok(sourceAsked.length > 0 && destinationAsked.length > 0, 'both sides were asked');
    assert.deepEqual(
      sourceAsked.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.path}`),
      [],
      'the source: HEADs only',
    );
    assert.deepEqual(
      destinationAsked.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.path}`),
      [],
      'the destination: HEADs only',
    );
    assert.ok(
      sourceAsked.some((r) => r.path === `/v2/h/rerun/manifests/${image.digest}`),
      'the pinned digest was asked for',
    );
  });

  it("the action's outputs and summary say what was refused", async () => {
    const h = world.hostile;
    const [a, b] = [h.store.image(1, 2000), h.store.image(1, 2000)];
    h.serve('h/pa', {}, answerWith(h, a.digest, b, b.digest));
    const run = await runAction(
      {
        source: `${h.host}/h/pa@${a.digest}`,
        destination: `${world.front.host}/d/pa:v1`,
        'source-username': HOSTILE_CREDS.user,
        'source-password': HOSTILE_CREDS.password,
        'destination-username': DST_CREDS.user,
        'destination-password': DST_CREDS.password,
        'blob-cache': 'false',
      },
      CASE_TIMEOUT_ENV,
      ACTION_COMPILED,
    );
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.equal(errors.length, 1, run.stdout);
    assert.match(errors[0], new RegExp(`answered ${b.digest} \\(its Docker-Content-Digest\\) for ${a.digest}: refused`));
    const images = JSON.parse(run.outputs.images) as Array<{ status: string; error?: string; digest?: string }>;
    assert.equal(images.length, 1);
    assert.equal(images[0].status, 'failed');
    assert.match(images[0].error ?? '', new RegExp(`answered ${b.digest} \\(its Docker-Content-Digest\\) for ${a.digest}: refused`));
    assert.notEqual(images[0].digest, b.digest, 'the swapped digest is nowhere reported as copied');
    assert.equal(run.outputs.digest, undefined, 'no digest output: nothing was copied');
    assert.match(run.summary, /Failed/);
    assert.ok(run.summary.includes(a.digest) && run.summary.includes(b.digest), run.summary);
    assert.ok(!run.summary.includes(`Digest: ${b.digest}`));
    assertCleanOutput(run.stdout + run.stderr, (l) => /^::(add-mask|group|endgroup|error)::/.test(l));
    assertNoSecret(
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n') + run.stderr,
    );
    await assertTag(world, 'd/pa', 'v1');
    assert.deepEqual(writesTo(world, 'd/pa'), [], 'nothing written');
  });

  it('the blob-info cache names a source as a place of a blob only once its bytes proved to be that blob', async () => {
    const h = world.hostile;
    const cache = new FileBlobInfoCache();
    const copyFrom = async (repo: string) => {
      const src = openRegistryRepository(
        { transport: 'registry', registry: h.host, repository: repo, tags: [] },
        { username: HOSTILE_CREDS.user, password: HOSTILE_CREDS.password, env: {} },
      );
      const dst = openRegistryRepository(
        { transport: 'registry', registry: world.front.host, repository: `d/${repo}`, tags: [] },
        { username: DST_CREDS.user, password: DST_CREDS.password, env: {} },
      );
      try {
        return await copy(src, { tags: ['v1'] }, dst, { tags: [] }, { blobCache: cache });
      } finally {
        await Promise.all([src.close('success'), dst.close('success')]);
      }
    };
    const layerOf = (image: Desc) => (JSON.parse(h.store.get(image.digest)!.bytes.toString()) as { layers: Desc[] }).layers[0];
    // A source that sends other bytes (of the right length) for a layer: the copy fails, and the
    // cache does not name it as a place that layer can be found.
    const lying = h.store.image(1, 2000);
    const layer = layerOf(lying);
    h.serve('h/cachelie', { v1: lying }, (x) => {
      if (x.method !== 'GET' || x.rest !== `blobs/${layer.digest}`) return false;
      x.res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 2000 }).end(Buffer.alloc(2000, 7));
      return true;
    });
    await assert.rejects(copyFrom('h/cachelie'), new RegExp(`digest mismatch: expected ${layer.digest}, got sha256:[0-9a-f]{64}$`));
    assert.deepEqual(cache.candidates(h.host, layer.digest, 5), [], 'the lying source is no place of the layer');
    // An honest one is.
    const honest = h.store.image(1, 2000);
    h.serve('h/cacheok', { v1: honest });
    await copyFrom('h/cacheok');
    assert.deepEqual(cache.candidates(h.host, layerOf(honest).digest, 5), ['h/cacheok']);
  });

  /** Requests either registry got that name `part` (other cases run at the same time). */
  const asked = (part: string) => [...world.hostile.requests(), ...world.front.requests()].filter((r) => r.path.includes(part));

  /** Runs the CLI with `source` and asserts the one line, exit 2, and that no request was made. */
  async function refused(source: string, line: RegExp, long: string): Promise<void> {
    const run = await runCli(world, cliArgs(source, `${world.front.host}/d/names:v1`), CASE_TIMEOUT_ENV);
    assert.equal(run.code, 2, run.stderr);
    const error = errorLine(run);
    assert.ok(error, run.stderr);
    assert.match(error, line);
    assert.ok(!(run.stdout + run.stderr).includes(long.slice(0, 64)), 'the name is not repeated');
    assert.deepEqual([...asked(long.slice(0, 64)), ...asked('/d/names/')], [], 'no request was made');
  }

  it('refuses a repository name of 10,000 characters before any request, without repeating it', async () => {
    const name = `h/${'a'.repeat(9998)}`;
    await refused(
      `${world.hostile.host}/${name}:v1`,
      /has a repository name 10000 characters long; a registry takes at most 255$/,
      name.slice(2),
    );
  });

  it('refuses a destination repository name of 256 characters', async () => {
    const name = `d/${'b'.repeat(254)}`;
    const run = await runCli(world, cliArgs(`${world.hostile.host}/h/names:v1`, `${world.front.host}/${name}:v1`), CASE_TIMEOUT_ENV);
    assert.equal(run.code, 2, run.stderr);
    assert.match(errorLine(run) ?? '', /has a repository name 256 characters long; a registry takes at most 255$/);
    assert.ok(!(run.stdout + run.stderr).includes('b'.repeat(64)), 'the name is not repeated');
    assert.deepEqual([...asked('b'.repeat(64)), ...asked('/h/names/')], [], 'no request was made');
  });

  it('refuses a tag of 129 characters', async () => {
    const tag = `t${'1'.repeat(128)}`;
    await refused(`${world.hostile.host}/h/names:${tag}`, /has a tag 129 characters long; a registry takes at most 128$/, tag);
  });

  it('takes a repository name of exactly 255 characters and a tag of 128', async () => {
    const name = `h/${'c'.repeat(253)}`;
    const tag = `t${'2'.repeat(127)}`;
    world.hostile.serve(name, { [tag]: world.hostile.store.image(1, 500) });
    const run = await runCli(
      world,
      cliArgs(`${world.hostile.host}/${name}:${tag}`, `${world.front.host}/d/names255:${tag}`),
      CASE_TIMEOUT_ENV,
    );
    assert.equal(run.code, 0, run.stderr);
    await assertTag(world, 'd/names255', tag, true);
  });
});
