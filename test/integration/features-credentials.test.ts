import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseReference } from '../../src/oci/reference.js';
import { findCredentials } from '../../src/targets/registry/credentials.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

const USER = 'robot';
const PASSWORD = 'helper-held-secret-7f3a';

/**
 * Writes `docker-credential-<name>`: it records each server it is asked about, answers for
 * `server` with the given user and secret, and says "not found" (exit 1) for anything else.
 */
async function writeHelper(bin: string, name: string, server: string, user: string, secret: string): Promise<string> {
  const asked = join(bin, `${name}.asked`);
  const path = join(bin, `docker-credential-${name}`);
  await writeFile(
    path,
    [
      '#!/bin/sh',
      '[ "$1" = get ] || exit 2',
      'read server',
      `echo "$server" >> '${asked}'`,
      `if [ "$server" = '${server}' ]; then`,
      `  printf '{"ServerURL":"%s","Username":"${user}","Secret":"${secret}"}' "$server"`,
      '  exit 0',
      'fi',
      'echo "credentials not found in native keychain"',
      'exit 1',
      '',
    ].join('\n'),
  );
  await chmod(path, 0o755);
  return asked;
}

async function dockerConfig(dir: string, config: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const asked = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

/** Lines of the log other than the runner's mask commands, which carry the secret to the runner. */
const visibleLog = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

describe('credentials as users already have them, through the bundled action', () => {
  let registry: TestRegistry;
  let work: string;
  let bin: string;
  let image: ImageLayout;

  before(async () => {
    registry = await startRegistry({ htpasswd: { user: USER, password: PASSWORD } });
    work = await mkdtemp(join(tmpdir(), 'oci-copy-creds-'));
    bin = join(work, 'bin');
    await mkdir(bin);
    image = await makeImageLayout(join(work, 'seed'), { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 10_000 }] }] });
    await pushImageOverHttp(image, registry.url, 'src/app', 'v1', { basicAuth: { user: USER, password: PASSWORD } });
  });

  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('credHelpers: runs docker-credential-<name> get for the registry and copies with what it answers', async () => {
    const log = await writeHelper(bin, 'test', registry.host, USER, PASSWORD);
    const config = await dockerConfig(join(work, 'helpers'), { credHelpers: { [registry.host]: 'test' } });
    const run = await runAction(
      { source: `${registry.host}/src/app:v1`, destination: `${registry.host}/dst/app:v1`, 'blob-cache': 'false' },
      { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.digest, image.root.digest);
    assert.ok((await asked(log)).every((s) => s === registry.host) && (await asked(log)).length > 0);
    assert.ok(run.stdout.includes(`::add-mask::${PASSWORD}`), 'the secret is masked before anything logs');
    assert.ok(!visibleLog(run.stdout + run.stderr).includes(PASSWORD), 'the secret never appears in the log');
  });

  it('credsStore: the default helper answers for every registry', async () => {
    const log = await writeHelper(bin, 'store', registry.host, USER, PASSWORD);
    const config = await dockerConfig(join(work, 'store'), { credsStore: 'store' });
    const run = await runAction(
      { source: `${registry.host}/src/app:v1`, destination: `${registry.host}/store/app:v1`, 'blob-cache': 'false' },
      { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok((await asked(log)).includes(registry.host));
  });

  it('a helper that holds nothing for the registry leaves it anonymous: one line naming the registry', async () => {
    await writeHelper(bin, 'empty', 'other.example.com', USER, PASSWORD);
    const config = await dockerConfig(join(work, 'empty'), { credHelpers: { [registry.host]: 'empty' } });
    const run = await runAction(
      { source: `${registry.host}/src/app:v1`, destination: `${registry.host}/none/app:v1`, 'blob-cache': 'false' },
      { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` },
    );
    assert.equal(run.code, 1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.equal(errors.length, 1, run.stdout);
    assert.match(errors[0], /401/);
    assert.ok(errors[0].includes(registry.host), errors[0]);
    assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at /, 'no stack trace');
  });

  it('a helper named in the config but not installed fails with one line saying so', async () => {
    const config = await dockerConfig(join(work, 'absent'), { credHelpers: { [registry.host]: 'absent' } });
    const run = await runAction(
      { source: `${registry.host}/src/app:v1`, destination: `${registry.host}/absent/app:v1`, 'blob-cache': 'false' },
      { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` },
    );
    assert.equal(run.code, 1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.equal(errors.length, 1, run.stdout);
    assert.match(errors[0], /docker-credential-absent cannot be run/);
  });

  it('explicit inputs win over the Docker config', async () => {
    const log = await writeHelper(bin, 'unused', registry.host, USER, 'wrong-password');
    const config = await dockerConfig(join(work, 'unused'), { credHelpers: { [registry.host]: 'unused' } });
    const run = await runAction(
      {
        source: `${registry.host}/src/app:v1`,
        destination: `${registry.host}/explicit/app:v1`,
        username: USER,
        password: PASSWORD,
        'blob-cache': 'false',
      },
      { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` },
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await asked(log), [], 'the helper was not asked');
  });
});

describe("Docker Hub's aliases", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-hub-'));
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('every alias names docker.io, with library/ for official images', () => {
    for (const host of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']) {
      const ref = parseReference(`${host}/alpine:3`);
      assert.equal(ref.transport === 'registry' && ref.registry, 'docker.io', host);
      assert.equal(ref.transport === 'registry' && ref.repository, 'library/alpine', host);
    }
    const bare = parseReference('alpine');
    assert.deepEqual(bare, { transport: 'registry', registry: 'docker.io', repository: 'library/alpine', tags: [], digest: undefined });
  });

  it('a helper configured under any alias is asked with the server URL Docker uses', async () => {
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    for (const [i, alias] of ['registry-1.docker.io', 'index.docker.io', 'https://index.docker.io/v1/', 'docker.io'].entries()) {
      const log = await writeHelper(bin, `hub${i}`, 'https://index.docker.io/v1/', 'hubuser', `hub-secret-${i}`);
      const config = await dockerConfig(join(work, `hub${i}`), { credHelpers: { [alias]: `hub${i}` } });
      const env = { DOCKER_CONFIG: config, PATH: `${bin}:${process.env.PATH}` };
      assert.deepEqual(await findCredentials('docker.io', { env }), { username: 'hubuser', password: `hub-secret-${i}` }, alias);
      assert.deepEqual(await asked(log), ['https://index.docker.io/v1/'], alias);
    }
  });

  it('an auths entry under the legacy Hub key serves docker.io', async () => {
    const config = await dockerConfig(join(work, 'auths'), {
      auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpw').toString('base64') } },
    });
    assert.deepEqual(await findCredentials('docker.io', { env: { DOCKER_CONFIG: config } }), { username: 'hubuser', password: 'hubpw' });
    assert.equal(await findCredentials('ghcr.io', { env: { DOCKER_CONFIG: config } }), undefined);
  });
});
