// A failed copy ends as soon as its error is known: a download being retried elsewhere in the graph
// is cancelled with it, nothing is retried against a closed pool, and the process exits at once,
// with one error line and no stack trace, from the CLI and from the bundled action alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OCI_LAYER, type Exchange } from '../support/hostile-registry.js';
import {
  assertCase,
  assertActionCase,
  DST_CREDS,
  HOSTILE_CREDS,
  runActionMeasured,
  runCli,
  userPass,
  withWorld,
  type HostileCase,
  type HostileWorld,
} from '../support/hostile-world.js';

let world: HostileWorld;

/**
 * An image of two layers: the first stalls after its first bytes (a download that would wait out
 * its 30 s timeout, then be tried again), the second arrives after 300 ms with the wrong bytes (the
 * copy's error). A copy that waited for the stalled download would take half a minute or more.
 */
function setup(repo: string): void {
  const h = world.hostile;
  const stalled = h.store.put(OCI_LAYER, Buffer.alloc(200_000, 1));
  const wrong = h.store.put(OCI_LAYER, Buffer.alloc(3000, 2));
  h.serve(repo, { v1: h.store.manifest([stalled, wrong]) }, (x: Exchange) => {
    if (x.method !== 'GET') return false;
    if (x.rest === `blobs/${stalled.digest}`) {
      x.res.writeHead(200, { 'content-length': stalled.size });
      x.res.write(Buffer.alloc(1000, 1));
      return true;
    }
    if (x.rest === `blobs/${wrong.digest}`) {
      setTimeout(() => x.res.writeHead(200, { 'content-length': wrong.size }).end(Buffer.alloc(wrong.size, 3)), 300);
      return true;
    }
    return false;
  });
}

const TIMEOUT = { OCI_COPY_TIMEOUT_SECONDS: '30' };

const expected: HostileCase = {
  name: 'a failure while another download is stalled',
  code: 1,
  line: /fetching blob sha256:[0-9a-f]{64} from \[registry\] .*: digest mismatch: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}$/,
  // Well under the 30 s the stalled download alone would wait, even on a loaded machine.
  maxMs: 12_000,
};

describe('teardown of a failed copy', { concurrency: 3, timeout: 120_000 }, () => {
  withWorld((w) => (world = w));

  for (let i = 0; i < 2; i++) {
    it(`the CLI exits as soon as the error is known, with one line and no stack trace (run ${i + 1})`, async () => {
      const repo = `h/t${i}`;
      setup(repo);
      const run = await runCli(
        world,
        [
          `${world.hostile.host}/${repo}:v1`,
          `${world.front.host}/d/t${i}:v1`,
          '--src-creds',
          userPass(HOSTILE_CREDS),
          '--dest-creds',
          userPass(DST_CREDS),
          '--no-blob-cache',
        ],
        {
          ...TIMEOUT,
        },
      );
      await assertCase(world, expected, run, { repo: `d/t${i}`, tag: 'v1' });
      assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
    });
  }

  it('the bundled action fails the step as soon as the error is known', async () => {
    const repo = 'h/taction';
    setup(repo);
    const run = await runActionMeasured(
      world,
      {
        source: `${world.hostile.host}/${repo}:v1`,
        destination: `${world.front.host}/d/taction:v1`,
        'source-username': HOSTILE_CREDS.user,
        'source-password': HOSTILE_CREDS.password,
        'destination-username': DST_CREDS.user,
        'destination-password': DST_CREDS.password,
        'blob-cache': 'false',
      },
      TIMEOUT,
    );
    await assertActionCase(world, expected, run, { repo: 'd/taction', tag: 'v1' });
  });
});
