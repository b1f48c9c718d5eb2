import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collect, runCli, startCliInTerminal } from '../support/cli.js';
import { decryptCosignKey } from '../support/cosign-key-file.js';
import { makeImageLayout, pushLayoutWithSkopeo } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

/** The fingerprint as README.md says to compute it from cosign.pub, with openssl. */
const README_FINGERPRINT = 'openssl pkey -pubin -in cosign.pub -outform DER | openssl dgst -sha256 -binary | base64 | tr -d =';
const opensslFingerprint = (dir: string) =>
  `SHA256:${execFileSync('sh', ['-c', README_FINGERPRINT], { cwd: dir, encoding: 'utf8' }).trim()}`;

describe('oci-copy generate-key-pair: cosign.key and cosign.pub, as cosign writes them', () => {
  let registry: TestRegistry;
  let work: string;
  let home: string;

  before(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'oci-copy-cli-keys-'));
    home = join(work, 'home');
    const image = await makeImageLayout(join(work, 'seed'), {
      tag: 'v1',
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 10_000 }] }],
    });
    await pushLayoutWithSkopeo(image.dir, 'v1', `${registry.host}/src/app`);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('with COSIGN_PASSWORD: an encrypted key other code decrypts, its public key, and the fingerprint openssl computes', async () => {
    const dir = join(work, 'env');
    await mkdir(dir);
    const run = await runCli(['generate-key-pair'], { home, cwd: dir, env: { COSIGN_PASSWORD: 'correct horse' } });
    assert.equal(run.code, 0, run.stderr);
    const pem = await readFile(join(dir, 'cosign.key'), 'utf8');
    assert.match(pem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    assert.equal((await stat(join(dir, 'cosign.key'))).mode & 0o777, 0o600, 'the private key is for its owner only');
    const pub = await readFile(join(dir, 'cosign.pub'), 'utf8');
    assert.match(pub, /^-----BEGIN PUBLIC KEY-----\n/);
    const privateKey = decryptCosignKey(pem, 'correct horse');
    assert.equal(privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.throws(() => decryptCosignKey(pem, 'wrong'), /wrong password/);
    assert.equal(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }), pub, 'cosign.pub is the key of cosign.key');
    assert.deepEqual(run.stderr.split('\n').filter(Boolean), [
      'Private key written to cosign.key',
      `Public key written to cosign.pub (fingerprint ${opensslFingerprint(dir)})`,
    ]);
  });

  it('signs a copy with the key and verifies it with cosign.pub; both name the fingerprint openssl computes', async () => {
    const dir = join(work, 'sign');
    await mkdir(dir);
    const env = { COSIGN_PASSWORD: 'pw' };
    assert.equal((await runCli(['generate-key-pair'], { home, cwd: dir, env })).code, 0);
    const fingerprint = opensslFingerprint(dir);
    const signed = await runCli(
      ['--sign', 'key', '--sign-key', 'cosign.key', `${registry.host}/src/app:v1`, `${registry.host}/signed/app:v1`],
      { home, cwd: dir, env },
    );
    assert.equal(signed.code, 0, signed.stderr);
    assert.ok(signed.stderr.includes(`key ${fingerprint}`), signed.stderr);
    const verified = await runCli(['--verify-key', 'cosign.pub', `${registry.host}/signed/app:v1`, `${registry.host}/verified/app:v1`], {
      home,
      cwd: dir,
    });
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stderr, new RegExp(`Verified sha256:[0-9a-f]{64}: signed by key ${fingerprint.replace(/[+/]/g, '\\$&')}`));
  });

  it('on a terminal: asks twice without echo, and the key opens with what was typed', async () => {
    const dir = join(work, 'tty');
    await mkdir(dir);
    const child = startCliInTerminal(['generate-key-pair'], { home, cwd: dir });
    const done = collect(child);
    let screen = '';
    child.stdout!.on('data', (b) => (screen += b));
    const typeAfter = async (prompt: RegExp, keys: string) => {
      while (!prompt.test(screen)) await new Promise((r) => setTimeout(r, 20));
      child.stdin!.write(keys);
    };
    await typeAfter(/Enter password for private key: $/, 'typed secret\r');
    await typeAfter(/Enter password for private key again: $/, 'typed secret\r');
    const run = await done;
    assert.equal(run.code, 0, run.stdout);
    assert.doesNotMatch(run.stdout, /typed secret/, 'the password is not echoed');
    assert.match(run.stdout, /Public key written to cosign\.pub \(fingerprint SHA256:/);
    decryptCosignKey(await readFile(join(dir, 'cosign.key'), 'utf8'), 'typed secret');
  });

  it('two passwords that differ write nothing', async () => {
    const dir = join(work, 'differ');
    await mkdir(dir);
    const child = startCliInTerminal(['generate-key-pair'], { home, cwd: dir });
    const done = collect(child);
    let screen = '';
    child.stdout!.on('data', (b) => (screen += b));
    while (!/private key: $/.test(screen)) await new Promise((r) => setTimeout(r, 20));
    child.stdin!.write('one\r');
    while (!/again: $/.test(screen)) await new Promise((r) => setTimeout(r, 20));
    child.stdin!.write('two\r');
    const run = await done;
    assert.equal(run.code, 2);
    assert.match(run.stdout, /oci-copy: the two passwords differ: nothing written/);
    await assert.rejects(stat(join(dir, 'cosign.key')));
  });

  it('refuses without a terminal or COSIGN_PASSWORD, beside a file it would overwrite, and arguments', async () => {
    const dir = join(work, 'refusals');
    await mkdir(dir);
    const noPassword = await runCli(['generate-key-pair'], { home, cwd: dir });
    assert.equal(noPassword.code, 2);
    assert.equal(
      noPassword.stderr,
      'oci-copy: COSIGN_PASSWORD is not set and standard input is not a terminal to ask on: set COSIGN_PASSWORD (empty for a key without password)\n',
    );
    await writeFile(join(dir, 'release.pub'), 'mine');
    const there = await runCli(['generate-key-pair', '--output-key-prefix', 'release'], { home, cwd: dir, env: { COSIGN_PASSWORD: '' } });
    assert.equal(there.code, 2);
    assert.equal(
      there.stderr,
      'oci-copy: "release.pub" already exists: move it away, or give --output-key-prefix PREFIX for other file names\n',
    );
    assert.equal(await readFile(join(dir, 'release.pub'), 'utf8'), 'mine');
    await assert.rejects(stat(join(dir, 'release.key')), 'nothing written beside it');
    const extra = await runCli(['generate-key-pair', 'mykey'], { home, cwd: dir, env: { COSIGN_PASSWORD: '' } });
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /^oci-copy: generate-key-pair takes no arguments \("mykey"\)/);
  });
});
