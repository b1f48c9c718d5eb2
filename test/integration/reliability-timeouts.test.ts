// A registry that accepts connections and never answers: the bundled action fails in bounded time
// with one line naming the host. Tests shorten the wait with OCI_COPY_TIMEOUT_SECONDS; the defaults
// are checked to be finite separately.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS, TIMEOUT_ENV, timeoutsFromEnv } from '../../src/targets/registry/http.js';
import { makeImageLayout, pushLayoutWithSkopeo } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

describe('a silent registry', () => {
  let silent: Server;
  let silentHost: string;
  const sockets = new Set<Socket>();
  let registry: TestRegistry;
  let work: string;

  before(async () => {
    silent = createServer((socket) => {
      // Read whatever comes, answer nothing.
      sockets.add(socket);
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentHost = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-silent-'));
    await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2_000 }] }],
    });
    await pushLayoutWithSkopeo(join(work, 'seed'), 'v1', `${registry.host}/team/app`);
    await registry.resetRequests();
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('fails the action in bounded time with one line naming the silent host, as source or as destination', async () => {
    const started = Date.now();
    const env = { [TIMEOUT_ENV]: '0.5' };
    // Both at once: each takes seconds of waiting.
    const [asSource, asDestination] = await Promise.all([
      runAction({ source: `${silentHost}/team/app:v1`, destination: `${registry.host}/dst/app:v1`, 'blob-cache': 'false' }, env),
      runAction({ source: `${registry.host}/team/app:v1`, destination: `${silentHost}/dst/app:v1`, 'blob-cache': 'false' }, env),
    ]);
    const elapsed = Date.now() - started;
    const errorLines = (out: string) => out.split('\n').filter((l) => l.startsWith('::error'));

    assert.equal(asSource.code, 1, asSource.stdout + asSource.stderr);
    assert.deepEqual(errorLines(asSource.stdout), [
      `::error::resolving ${silentHost}/team/app:v1: ${silentHost} did not answer within 0.5 s after 5 tries`,
    ]);
    assert.doesNotMatch(asSource.stdout + asSource.stderr, /\n\s+at /, 'no stack trace');
    // The destination's tag is read while the source is asked (a HEAD, in parallel); nothing is written.
    const atDestination = (await registry.settledRequests()).filter((r) => r.path.startsWith('/v2/dst/'));
    assert.deepEqual(
      atDestination.map((r) => `${r.method} ${r.path}`).filter((r) => r !== 'HEAD /v2/dst/app/manifests/v1'),
      [],
      'nothing but the tag read at the destination',
    );

    assert.equal(asDestination.code, 1);
    const errors = errorLines(asDestination.stdout);
    assert.equal(errors.length, 1, asDestination.stdout);
    // The destination's tag is read first (a HEAD), to find out whether anything needs copying.
    assert.match(
      errors[0],
      new RegExp(`^::error::resolving ${silentHost}/dst/app:v1: ${silentHost} did not answer within 0.5 s after 5 tries$`),
    );
    assert.ok(
      (await registry.settledRequests()).some((r) => r.method === 'HEAD' && r.path === '/v2/team/app/manifests/v1'),
      'the source was resolved',
    );

    // Five tries of 0.5 s (undici checks header timeouts only about twice a second) and the default
    // backoff between them (0.25 + 0.5 + 1 + 2 s).
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
  });

  it(`refuses a malformed ${TIMEOUT_ENV} with one line`, async () => {
    const run = await runAction(
      { source: `${silentHost}/team/app:v1`, destination: `${registry.host}/dst/app:v1`, 'blob-cache': 'false' },
      { [TIMEOUT_ENV]: 'soon' },
    );
    assert.equal(run.code, 1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
    assert.deepEqual(errors, [`::error::environment variable ${TIMEOUT_ENV} is "soon": use a number of seconds from 0.1 to 3600`]);
  });

  it('without the variable, every wait is finite and one request gives up within a few minutes', () => {
    assert.equal(timeoutsFromEnv({}), undefined);
    for (const [name, ms] of Object.entries(DEFAULT_TIMEOUTS)) assert.ok(Number.isFinite(ms) && ms > 0, name);
    assert.ok(Number.isFinite(DEFAULT_RETRY.maxTries) && DEFAULT_RETRY.maxTries >= 1);
    assert.ok(Number.isFinite(DEFAULT_RETRY.maxTotalMs));
    // No retry starts after maxTotalMs; the last try then waits at most one header timeout, or one connect timeout.
    const worst = DEFAULT_RETRY.maxTotalMs + Math.max(DEFAULT_TIMEOUTS.headersMs, DEFAULT_TIMEOUTS.connectMs);
    assert.ok(worst <= 5 * 60_000, `worst case ${worst} ms`);
    assert.deepEqual(timeoutsFromEnv({ [TIMEOUT_ENV]: '2' }), { headersMs: 2000, bodyIdleMs: 2000, connectMs: 2000 });
  });
});
