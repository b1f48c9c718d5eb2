// Every secret the bundled action touches (password inputs, issued tokens, Docker config `auth`
// strings) is announced with `::add-mask::` before any line could carry it, and no log line,
// output, summary or error carries it in plain text, on success and on failure.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';

const USER = 'secret-user';
const PASSWORD = 'pw-Basic-4e1f9a77';
const TOKEN_USER = 'token-user';
const TOKEN_PASSWORD = 'pw-Token-b28c0d51';
const WRONG_PASSWORD = 'pw-Wrong-93ae62c4';

const base64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * Checks one run: each of `announced` has an `::add-mask::` line before any other line holding it,
 * and no line but that announcement holds it or any of `hidden`; nor does stderr, an output or the summary.
 */
function assertNoLeak(run: ActionRun, announced: string[], hidden: string[] = []): void {
  const lines = run.stdout.split('\n');
  for (const secret of announced) {
    const mask = lines.indexOf(`::add-mask::${secret}`);
    assert.ok(mask >= 0, `a secret of ${secret.length} characters was announced with ::add-mask::`);
    const first = lines.findIndex((l) => l.includes(secret));
    assert.equal(first, mask, 'announced before any line holds it');
  }
  for (const secret of [...announced, ...hidden]) {
    const holding = lines.filter((l) => l.includes(secret) && l !== `::add-mask::${secret}`);
    assert.deepEqual(holding, [], 'no log line holds a secret');
    assert.ok(!run.stderr.includes(secret), 'stderr holds no secret');
    assert.ok(!run.summary.includes(secret), 'the summary holds no secret');
    for (const [name, value] of Object.entries(run.outputs)) assert.ok(!value.includes(secret), `output ${name} holds no secret`);
  }
}

const errorLines = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.startsWith('::error'));

describe('secrets in the bundled action', () => {
  let basicRegistry: TestRegistry;
  let tokens: TokenServer;
  let tokenRegistry: TestRegistry;
  let tokenProxy: FaultProxy;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    [basicRegistry, tokens] = await Promise.all([
      startRegistry({ htpasswd: { user: USER, password: PASSWORD } }),
      startTokenServer({ users: { [TOKEN_USER]: { password: TOKEN_PASSWORD, access: () => ['pull', 'push'] } } }),
    ]);
    tokenRegistry = await startRegistry({ authYaml: tokens.authYaml });
    // The proxy sees every bearer token the action presents, so the test knows what was issued.
    tokenProxy = await startFaultProxy(tokenRegistry.url);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-secrets-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: [{ size: 4_000 }] },
        { os: 'linux', architecture: 'arm64', layers: [{ size: 3_000 }] },
      ],
    });
    await Promise.all([
      pushLayoutWithSkopeo(image.dir, 'v1', `${basicRegistry.host}/src/app`, { destCreds: `${USER}:${PASSWORD}` }),
      pushLayoutWithSkopeo(image.dir, 'v1', `${tokenRegistry.host}/src/app`, { destCreds: `${TOKEN_USER}:${TOKEN_PASSWORD}` }),
    ]);
  });

  after(async () => {
    await tokenProxy?.stop();
    await Promise.all([basicRegistry?.stop(), tokenRegistry?.stop()]);
    await tokens?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('masks a password given as an input (basic auth)', async () => {
    const run = await runAction({
      source: `${basicRegistry.host}/src/app:v1`,
      destination: `${basicRegistry.host}/dst/basic:v1`,
      username: USER,
      password: PASSWORD,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.digest, image.root.digest);
    assertNoLeak(run, [PASSWORD], [base64(`${USER}:${PASSWORD}`)]);
  });

  it('masks every token the token server issued, and the password', async () => {
    tokens.resetRequests();
    tokenProxy.reset();
    const run = await runAction({
      source: `${tokenProxy.host}/src/app:v1`,
      destination: `${tokenProxy.host}/dst/token:v1`,
      username: TOKEN_USER,
      password: TOKEN_PASSWORD,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const issued = new Set(
      tokenProxy
        .requests()
        .map((r) => /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ''))?.[1])
        .filter((t): t is string => !!t),
    );
    assert.ok(issued.size >= 1, 'tokens were issued and used');
    assert.ok(tokens.requests().some((r) => r.status === 200 && r.user === TOKEN_USER));
    assertNoLeak(run, [TOKEN_PASSWORD, ...issued], [base64(`${TOKEN_USER}:${TOKEN_PASSWORD}`)]);
  });

  it('masks the auth string and the password from a DOCKER_CONFIG config.json', async () => {
    const dir = await mkdtemp(join(work, 'docker-config-'));
    const auth = base64(`${USER}:${PASSWORD}`);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [basicRegistry.host]: { auth } } }));
    const run = await runAction(
      { source: `${basicRegistry.host}/src/app:v1`, destination: `${basicRegistry.host}/dst/config:v1`, 'blob-cache': 'false' },
      { DOCKER_CONFIG: dir },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assertNoLeak(run, [auth, PASSWORD]);
  });

  it('a wrong password fails with one line and leaks nothing (basic auth)', async () => {
    const run = await runAction({
      source: `${basicRegistry.host}/src/app:v1`,
      destination: `${basicRegistry.host}/dst/wrong:v1`,
      username: USER,
      password: WRONG_PASSWORD,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 1);
    const errors = errorLines(run);
    assert.equal(errors.length, 1, run.stdout);
    assert.match(
      errors[0],
      /401 Unauthorized.*: the credentials for 127\.0\.0\.1:\d+ \(from the username and password inputs\) were refused/,
    );
    assertNoLeak(run, [WRONG_PASSWORD], [base64(`${USER}:${WRONG_PASSWORD}`)]);
  });

  it('a wrong password fails with one line and leaks nothing (token server)', async () => {
    const run = await runAction({
      source: `${tokenProxy.host}/src/app:v1`,
      destination: `${tokenProxy.host}/dst/wrong:v1`,
      username: TOKEN_USER,
      password: WRONG_PASSWORD,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 1);
    const errors = errorLines(run);
    assert.equal(errors.length, 1, run.stdout);
    assert.match(
      errors[0],
      /token.*401 Unauthorized.*: the credentials for 127\.0\.0\.1:\d+ \(from the username and password inputs\) were refused/,
    );
    assertNoLeak(run, [WRONG_PASSWORD], [base64(`${TOKEN_USER}:${WRONG_PASSWORD}`)]);
  });
});
