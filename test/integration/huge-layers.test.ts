// Huge layers through a front: a real registry with token auth behind a loopback front that refuses
// request bodies over 3 MiB (413), drops the connection of the next upload request after every 96 MiB
// of upload bodies, cuts blob downloads every 96 MiB and refuses tokens older than 5 s. A layer of
// 320 MiB lands whole, with the bytes sent twice counted apart, from a layout and from a registry,
// through the library, the command line and the action.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copy } from '../../src/api/copy.js';
import type { CopyEvent } from '../../src/copy/events.js';
import { parseReference, type RegistryReference } from '../../src/oci/reference.js';
import { openLayout } from '../../src/targets/layout/layout.js';
import { HttpClient } from '../../src/targets/registry/http.js';
import { openRegistryRepository } from '../../src/targets/registry/repository.js';
import { runCli } from '../support/cli.js';
import { startFront, type Front } from '../support/huge-front.js';
import { makeImageLayout, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { ACTION_BUNDLE, runAction } from '../support/run-action.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';

const MiB = 1024 * 1024;
const CAP = 3 * MiB;
const DROP_EVERY = 96 * MiB;
const CUT_DOWNLOADS_EVERY = 96 * MiB;
const LAYER = 320 * MiB;
const USER = { username: 'hugo', password: 'hugo-secret' };

describe('huge layers through a front that caps bodies, drops connections and expires tokens', () => {
  let tokens: TokenServer;
  let registry: TestRegistry;
  let front: Front;
  let work: string;
  let image: ImageLayout;
  let layer: { digest: string; size: number };

  before(async () => {
    tokens = await startTokenServer({ users: { hugo: { password: USER.password, access: () => ['pull', 'push'] } } });
    registry = await startRegistry({ authYaml: tokens.authYaml });
    front = await startFront(registry.url, {
      capBytes: CAP,
      dropEveryBytes: DROP_EVERY,
      cutDownloadsEveryBytes: CUT_DOWNLOADS_EVERY,
      tokenLifeSeconds: 5,
      challenge: { realm: tokens.realm, service: tokens.service },
    });
    work = await mkdtemp(join(tmpdir(), 'oci-copy-huge-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      index: false,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: LAYER, seed: 'huge-layer' }, { size: 2 * MiB }] }],
    });
    layer = image.manifests[0].layers[0];
  });

  after(async () => {
    await front?.stop();
    await registry?.stop();
    await tokens?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** The registry holds the blob whole: distribution checked its digest when the upload closed. */
  async function assertStored(digest: string, size: number): Promise<void> {
    const hex = digest.slice('sha256:'.length);
    const data = join(registry.storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    assert.equal((await stat(data)).size, size, `${digest} stored whole`);
  }

  /** Bytes of upload bodies beyond the blobs' sizes that reached the front: to the registry, or turned away by the front. */
  function sentTwice(): number {
    const s = front.stats();
    const blobs = image.blobs.filter((b) => !b.mediaType.includes('manifest')).reduce((n, b) => n + b.size, 0);
    return s.forwardedUploadBytes + s.lostUploadBytes - blobs;
  }

  it('copies a layout to the registry: chunks under the cap, on through every drop and expired token, at most 5 % sent twice', async () => {
    front.reset();
    const events: CopyEvent[] = [];
    const http = new HttpClient();
    const src = await openLayout(image.dir);
    const dstRef = parseReference(`${front.host}/huge/app:v1`) as RegistryReference;
    const dst = openRegistryRepository(dstRef, { http, ...USER });
    const started = Date.now();
    try {
      const root = await copy(src, parseReference(`oci:${image.dir}:v1`), dst, dstRef, { onEvent: (e) => events.push(e) });
      assert.equal(root.digest, image.root.digest);
    } catch (e) {
      if (process.env.HUGE_DEBUG)
        console.log(
          front
            .requests()
            .map((r) => `${r.method} ${r.path.slice(0, 60)} ${r.length} ${r.status}`)
            .join('\n'),
        );
      throw e;
    } finally {
      await http.close();
    }
    await assertStored(layer.digest, layer.size);
    const stats = front.stats();
    assert.ok(stats.tooLarge >= 2, `the whole layer and a 4 MiB chunk were refused (${stats.tooLarge} refusals)`);
    assert.ok(stats.drops >= 3, `connections dropped (${stats.drops})`);
    assert.ok(stats.expired >= 1, `a token expired during the copy (${stats.expired}, ${Date.now() - started} ms)`);
    // What a 413 taught stays: after the first refused chunk, no chunk is above the cap.
    const patches = front.requests().filter((r) => r.method === 'PATCH');
    const firstRefused = patches.findIndex((r) => r.status === 413);
    assert.ok(firstRefused >= 0, 'a chunk was refused');
    assert.ok(
      patches.slice(firstRefused + 1).every((r) => (r.length ?? 0) <= CAP),
      'every later chunk is under the cap',
    );
    const twice = sentTwice();
    assert.ok(twice <= 0.05 * layer.size, `${twice} bytes sent twice, more than 5 % of ${layer.size}`);
    // The account: each resume said where it went on, and the layer's done event counts what went twice.
    const resumed = events.filter((e) => e.type === 'resumed' && e.node.digest === layer.digest);
    assert.ok(resumed.length >= stats.drops, `${resumed.length} resumes for ${stats.drops} drops`);
    assert.ok(
      resumed.every((e) => e.type === 'resumed' && e.offset % MiB === 0),
      'each went on from the chunk boundary the registry had',
    );
    const done = events.find((e) => e.type === 'done' && e.node.digest === layer.digest);
    assert.ok(done?.type === 'done' && done.action === 'copied');
    assert.ok((done.resent ?? 0) > 0 && (done.resent ?? 0) <= 0.05 * layer.size, `resent ${done.resent}`);
  });

  it('copies registry to registry: a download cut every 96 MiB goes on with Range, an expired token is renewed for the same session', async () => {
    front.reset();
    const events: CopyEvent[] = [];
    const http = new HttpClient();
    const srcRef = parseReference(`${front.host}/huge/app:v1`) as RegistryReference;
    const dstRef = parseReference(`${front.host}/huge/copy:v1`) as RegistryReference;
    const src = openRegistryRepository(srcRef, { http, ...USER });
    const dst = openRegistryRepository(dstRef, { http, ...USER });
    try {
      const root = await copy(src, srcRef, dst, dstRef, { mount: false, onEvent: (e) => events.push(e) });
      assert.equal(root.digest, image.root.digest);
    } finally {
      await http.close();
    }
    const stats = front.stats();
    if (process.env.HUGE_DEBUG)
      console.log(
        front
          .requests()
          .filter((r) => r.method !== 'PATCH' || r.status !== 202)
          .map((r) => `${r.method} ${r.path.slice(0, 60)} ${r.length} ${r.status}`)
          .join('\n'),
      );
    assert.ok(stats.cutDownloads >= 2, `downloads cut (${stats.cutDownloads})`);
    // Each cut goes on where it broke off; an upload that goes on reads the source again from its offset
    // (what was read ahead is read twice). Starting over after each cut would be 2.5 times the layer.
    assert.ok(stats.downloadBytes < layer.size * 1.6, `downloaded ${stats.downloadBytes} bytes for ${layer.size}`);
    const gets = front.requests().filter((r) => r.method === 'GET' && r.path.endsWith(layer.digest) && r.status !== 401);
    assert.ok(gets.length > stats.cutDownloads, `${gets.length} downloads for ${stats.cutDownloads} cuts`);
    // A whole download again only where the upload went on from byte 0 (after the 413s at its start).
    const fromStart = events.filter((e) => e.type === 'resumed' && e.node.digest === layer.digest && e.offset === 0).length;
    assert.equal(gets.filter((r) => r.status === 200).length, 1 + fromStart, 'every other download went on with Range');
    assert.ok(gets.filter((r) => r.status === 206).length >= stats.cutDownloads, 'a ranged download for each cut');
    assert.ok(stats.expired >= 1, `a token expired during the copy (${stats.expired})`);
    assert.ok(sentTwice() <= 0.05 * layer.size, `${sentTwice()} bytes sent twice`);
  });

  it('the command line: the layer lands, each resume has its line, --json counts what went twice apart', async () => {
    front.reset();
    const home = join(work, 'home');
    const run = await runCli(
      [`oci:${image.dir}:v1`, `${front.host}/huge/cli:v1`, '--json', '--dest-username', USER.username, '--dest-password-stdin'],
      {
        home,
        stdin: USER.password,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    await assertStored(layer.digest, layer.size);
    const resumes = run.stderr.split('\n').filter((l) => l.startsWith(`Resumed ${layer.digest.slice(7, 19)} at byte `));
    assert.ok(resumes.length >= front.stats().drops, `${resumes.length} resume lines for ${front.stats().drops} drops:\n${run.stderr}`);
    assert.match(resumes.at(-1)!, /^Resumed [0-9a-f]{12} at byte [0-9]+ of [0-9]+ \(the connection was lost\): [0-9.]+ MiB resent$/);
    assert.match(run.stderr, new RegExp(`^Copied  ${layer.digest.slice(7, 19)} \\S+ \\([0-9.]+ MiB resent\\)$`, 'm'));
    const out = JSON.parse(run.stdout) as { blobs: Array<{ digest: string; action: string; resent?: number }> };
    const record = out.blobs.find((b) => b.digest === layer.digest);
    assert.equal(record?.action, 'copied');
    assert.ok((record?.resent ?? 0) > 0 && (record?.resent ?? 0) <= 0.05 * layer.size, `resent ${record?.resent}`);
  });

  it('the action: the layer lands, the images output and the job summary count what went twice', async () => {
    front.reset();
    const run = await runAction({
      source: `oci:${image.dir}:v1`,
      destination: `${front.host}/huge/action:v1`,
      'destination-username': USER.username,
      'destination-password': USER.password,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout);
    await assertStored(layer.digest, layer.size);
    const [record] = JSON.parse(run.outputs.images) as Array<{ status: string; resent?: number }>;
    assert.equal(record.status, 'copied');
    assert.ok((record.resent ?? 0) > 0 && (record.resent ?? 0) <= 0.05 * layer.size, `resent ${record.resent}:\n${run.stdout}`);
    assert.match(run.summary, /\*\*Resent:\*\* [0-9.]+ MiB went twice/);
    assert.match(run.stdout, /^Resumed [0-9a-f]{12} at byte [0-9]+ of [0-9]+ /m);
  });
});

export { ACTION_BUNDLE };
