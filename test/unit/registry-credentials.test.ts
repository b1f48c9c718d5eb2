import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../src/oci/errors.js';
import { findCredentials, lookupCredentials, normalizeRegistryKey } from '../../src/targets/registry/credentials.js';

let dir: string;
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function config(content: unknown): Promise<string> {
  const d = await mkdtemp(join(dir, 'cfg-'));
  await writeFile(join(d, 'config.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return d;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oci-copy-creds-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('credentials', () => {
  it('says what each place looked in held: a config that cannot be read, an entry without credentials', async () => {
    const unreadable = await mkdtemp(join(dir, 'cfg-'));
    await mkdir(join(unreadable, 'config.json'));
    assert.deepEqual(
      (await lookupCredentials('r.example.com', { configDir: unreadable, env: {} })).looked.at(-1),
      `${join(unreadable, 'config.json')} (cannot be read: EISDIR)`,
    );
    const emptyEntry = await config({ auths: { 'r.example.com': {} } });
    assert.deepEqual(
      (await lookupCredentials('r.example.com', { configDir: emptyEntry, env: {} })).looked.at(-1),
      `${join(emptyEntry, 'config.json')} (an auths entry with no credentials for r.example.com)`,
    );
    const missing = join(dir, 'nowhere');
    assert.deepEqual(
      (await lookupCredentials('r.example.com', { configDir: missing, env: {} })).looked.at(-1),
      `${join(missing, 'config.json')} (no such file)`,
    );
  });
  it('uses the fallback (a workflow token) only when nothing else has credentials', async () => {
    const fallback = { username: 'x-access-token', password: 'ghs_token' };
    const empty = await config({ auths: {} });
    const secrets: string[] = [];
    assert.deepEqual(await findCredentials('ghcr.io', { configDir: empty, fallback, onSecret: (s) => secrets.push(s) }), fallback);
    assert.deepEqual(secrets, ['ghs_token']);
    const d = await config({ auths: { 'ghcr.io': { auth: b64('login:loginpw') } } });
    assert.deepEqual(await findCredentials('ghcr.io', { configDir: d, fallback }), { username: 'login', password: 'loginpw' });
    assert.deepEqual(await findCredentials('ghcr.io', { username: 'me', password: 'pw', configDir: empty, fallback }), {
      username: 'me',
      password: 'pw',
    });
  });

  it('prefers explicit credentials and reports the password as a secret', async () => {
    const d = await config({ auths: { 'ghcr.io': { auth: b64('file:filepw') } } });
    const secrets: string[] = [];
    const c = await findCredentials('ghcr.io', { username: 'me', password: 'pw', configDir: d, onSecret: (s) => secrets.push(s) });
    assert.deepEqual(c, { username: 'me', password: 'pw' });
    assert.deepEqual(secrets, ['pw']);
  });

  it('reads auths from $DOCKER_CONFIG: auth strings, username/password, identity tokens', async () => {
    const d = await config({
      auths: {
        'https://ghcr.io': { auth: b64('gh-user:gh:pass') },
        'registry.example.com:5000/v2/': { username: 'ex', password: 'expw' },
        'quay.io': { identitytoken: 'refresh-123' },
      },
    });
    const secrets: string[] = [];
    const env = { DOCKER_CONFIG: d };
    const onSecret = (s: string) => secrets.push(s);
    assert.deepEqual(await findCredentials('ghcr.io', { env, onSecret }), { username: 'gh-user', password: 'gh:pass' });
    assert.deepEqual(await findCredentials('registry.example.com:5000', { env }), { username: 'ex', password: 'expw' });
    assert.deepEqual(await findCredentials('quay.io', { env, onSecret }), { username: undefined, identityToken: 'refresh-123' });
    assert.equal(await findCredentials('other.io', { env }), undefined);
    assert.ok(secrets.includes(b64('gh-user:gh:pass')), 'the auth string itself is a secret');
    assert.ok(secrets.includes('gh:pass'));
    assert.ok(secrets.includes('refresh-123'));
  });

  it('finds Docker Hub credentials under any of its names', async () => {
    for (const key of ['https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io', 'docker.io']) {
      const d = await config({ auths: { [key]: { auth: b64('hubuser:hubpw') } } });
      assert.deepEqual(await findCredentials('docker.io', { configDir: d }), { username: 'hubuser', password: 'hubpw' }, key);
    }
  });

  it('falls back to ~/.docker when DOCKER_CONFIG is unset, and is anonymous without a file', async () => {
    const home = await mkdtemp(join(dir, 'home-'));
    assert.equal(await findCredentials('ghcr.io', { env: { HOME: home } }), undefined);
    await config({}); // unrelated
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(home, '.docker'));
    await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: b64('h:p') } } }));
    assert.deepEqual(await findCredentials('ghcr.io', { env: { HOME: home } }), { username: 'h', password: 'p' });
  });

  it('names a config file that is not JSON, without its content', async () => {
    const d = await config('{"auths": {"ghcr.io": {"auth": "c2VjcmV0"');
    await assert.rejects(findCredentials('ghcr.io', { configDir: d }), (err: Error) => {
      assert.ok(err instanceof InputError);
      assert.match(err.message, /config\.json is not valid JSON/);
      assert.ok(!err.message.includes('c2VjcmV0'));
      return true;
    });
  });

  it('asks credential helpers (credHelpers, then credsStore) and falls back to auths', async () => {
    const bin = await mkdtemp(join(dir, 'bin-'));
    // A helper that knows one server and says "not found" for the rest, as the real ones do.
    const helper = (name: string, server: string, answer: string) =>
      writeFile(
        join(bin, `docker-credential-${name}`),
        `#!/bin/sh\n[ "$1" = get ] || exit 2\nread server\nif [ "$server" = "${server}" ]; then echo '${answer}'; exit 0; fi\necho "credentials not found in native keychain"; exit 1\n`,
      ).then(() => chmod(join(bin, `docker-credential-${name}`), 0o755));
    await helper('ecr', 'example.ecr.aws', '{"ServerURL":"example.ecr.aws","Username":"AWS","Secret":"ecr-pw"}');
    await helper(
      'store',
      'https://index.docker.io/v1/',
      '{"ServerURL":"https://index.docker.io/v1/","Username":"<token>","Secret":"hub-refresh"}',
    );
    const d = await config({
      credHelpers: { 'example.ecr.aws': 'ecr' },
      credsStore: 'store',
      auths: { 'ghcr.io': { auth: b64('gh:ghpw') } },
    });
    const env = { DOCKER_CONFIG: d, PATH: `${bin}:${process.env.PATH}` };
    const secrets: string[] = [];
    assert.deepEqual(await findCredentials('example.ecr.aws', { env, onSecret: (s) => secrets.push(s) }), {
      username: 'AWS',
      password: 'ecr-pw',
    });
    assert.deepEqual(await findCredentials('docker.io', { env, onSecret: (s) => secrets.push(s) }), { identityToken: 'hub-refresh' });
    assert.deepEqual(await findCredentials('ghcr.io', { env }), { username: 'gh', password: 'ghpw' });
    assert.deepEqual(secrets, ['ecr-pw', 'hub-refresh']);

    const missing = await config({ credHelpers: { 'ghcr.io': 'absent' } });
    await assert.rejects(
      findCredentials('ghcr.io', { env: { DOCKER_CONFIG: missing, PATH: bin } }),
      /docker-credential-absent cannot be run/,
    );
  });

  it('normalizes config keys written with schemes and paths', () => {
    assert.equal(normalizeRegistryKey('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(normalizeRegistryKey('http://LOCALHOST:5000/v2/'), 'localhost:5000');
    assert.equal(normalizeRegistryKey('ghcr.io'), 'ghcr.io');
  });
});
