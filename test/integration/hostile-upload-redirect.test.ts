// A destination that redirects its uploads to another host: nothing is sent there, least of all the
// destination's password, the copy fails with one line naming the redirect, and no tag is written.
// The "other host" forwards to the real registry, so a client that followed the redirect would
// succeed (exit 0) and this test would see the credentials arrive there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { makeImageLayout, pushLayoutWithSkopeo, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { REPO_ROOT, runAction } from '../support/run-action.js';

const USER = 'hostile-user';
const PASSWORD = 'hostile-pw-51c2e9';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const CLI = join(REPO_ROOT, 'lib', 'src', 'cli', 'index.js');

function runCli(args: string[], home: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a destination that redirects uploads to another host', () => {
  let registry: TestRegistry;
  let destination: FaultProxy;
  let elsewhere: FaultProxy;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    registry = await startRegistry({ htpasswd: { user: USER, password: PASSWORD } });
    destination = await startFaultProxy(registry.url);
    elsewhere = await startFaultProxy(registry.url);
    work = await mkdtemp(join(tmpdir(), 'oci-copy-hostile-upload-'));
    image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 30_000 }] }],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app`, { destCreds: `${USER}:${PASSWORD}` });
  });

  after(async () => {
    await destination?.stop();
    await elsewhere?.stop();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    destination.reset();
    elsewhere.reset();
  });

  const toElsewhere = (path: string) => `${elsewhere.url}${path}`;
  const cases: Array<{ name: string; rule: (repo: string) => FaultRule }> = [
    {
      name: 'the upload POST answered 307',
      rule: (repo) => ({
        method: 'POST',
        path: new RegExp(`^/v2/${repo}/blobs/uploads/`),
        times: Infinity,
        fault: { kind: 'redirect', status: 307, location: toElsewhere },
      }),
    },
    {
      name: 'the upload POST answered 302',
      rule: (repo) => ({
        method: 'POST',
        path: new RegExp(`^/v2/${repo}/blobs/uploads/`),
        times: Infinity,
        fault: { kind: 'redirect', status: 302, location: toElsewhere },
      }),
    },
    {
      name: 'the upload PUT answered 307',
      rule: (repo) => ({
        method: 'PUT',
        path: new RegExp(`^/v2/${repo}/blobs/uploads/`),
        times: Infinity,
        fault: { kind: 'redirect', status: 307, location: toElsewhere },
      }),
    },
    {
      name: 'the manifest PUT answered 308',
      rule: (repo) => ({
        method: 'PUT',
        path: new RegExp(`^/v2/${repo}/manifests/`),
        times: Infinity,
        fault: { kind: 'redirect', status: 308, location: toElsewhere },
      }),
    },
  ];

  for (const [i, c] of cases.entries()) {
    it(`${c.name}: the CLI fails with one line, sends nothing elsewhere, tags nothing`, async () => {
      const repo = `dst/cli${i}`;
      destination.addFault(c.rule(repo));
      const home = join(work, `home-cli-${i}`);
      const run = await runCli(
        [
          `${registry.host}/src/app:v1`,
          `${destination.host}/${repo}:v1`,
          '--src-creds',
          `${USER}:${PASSWORD}`,
          '--dest-creds',
          `${USER}:${PASSWORD}`,
          '--no-blob-cache',
        ],
        home,
      );
      assert.equal(run.code, 1, run.stderr);
      const last = run.stderr.trim().split('\n').at(-1)!;
      assert.match(
        last,
        /^oci-copy: .*redirect to 127\.0\.0\.1:[0-9]+: refusing to send uploads or credentials anywhere but 127\.0\.0\.1:[0-9]+$/,
      );
      assert.ok(destination.fired().length >= 1, 'the redirect was offered');
      assert.deepEqual(elsewhere.requests(), [], 'nothing at all reached the other host');
      // The destination itself was given the credentials, so the check above could have failed.
      assert.ok(destination.requests().some((r) => r.headers.authorization === BASIC));
      assert.ok(!run.stderr.includes(PASSWORD) && !run.stdout.includes(PASSWORD));
      await assertNoTag(repo);
    });
  }

  it('the bundled action fails the step the same way, and the other host sees nothing', async () => {
    const repo = 'dst/action';
    destination.addFault(cases[0].rule(repo));
    const run = await runAction({
      source: `${registry.host}/src/app:v1`,
      destination: `${destination.host}/${repo}:v1`,
      username: USER,
      password: PASSWORD,
      'blob-cache': 'false',
    });
    assert.equal(run.code, 1, run.stdout);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.equal(errors.length, 1, run.stdout);
    assert.match(errors[0], /redirect to 127\.0\.0\.1:[0-9]+: refusing to send uploads or credentials anywhere but/);
    assert.deepEqual(elsewhere.requests(), []);
    // The runner is told the password to mask (`::add-mask::`); no other line may hold it.
    const printed = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    assert.ok(run.stdout.includes(`::add-mask::${PASSWORD}`));
    assert.ok(!printed.some((l) => l.includes(PASSWORD)) && !run.stderr.includes(PASSWORD));
    await assertNoTag(repo);
  });

  async function assertNoTag(repo: string): Promise<void> {
    const res = await fetch(`${registry.url}/v2/${repo}/manifests/v1`, {
      method: 'HEAD',
      headers: { authorization: BASIC, accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
    });
    assert.equal(res.status, 404, `${repo}:v1 must not exist`);
  }
});
