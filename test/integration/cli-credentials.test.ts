// Passwords reach the command line without showing in `ps` (standard input, environment variables),
// a 401 says whether credentials were found and where, and --debug shows every request with its
// credentials hidden.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeImageLayout, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw } from '../support/skopeo.js';

const USER = 'cli-user';
const PASSWORD = 'pw-Cli-5c0ffee1';
const WRONG = 'pw-Wrong-0b5e55ed';

describe('command-line credentials', () => {
  let work: string;
  let home: string;
  let registry: TestRegistry;
  let image: ImageLayout;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-cli-creds-'));
    home = join(work, 'home');
    [registry, image] = await Promise.all([
      startRegistry({ htpasswd: { user: USER, password: PASSWORD } }),
      makeImageLayout(join(work, 'image'), { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 20_000 }] }] }),
    ]);
  });

  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const assertPushed = async (repo: string) => {
    const raw = await skopeoInspectRaw(`docker://${registry.host}/${repo}:v1`, { creds: `${USER}:${PASSWORD}` });
    assert.equal(JSON.parse(raw).config.digest, image.manifests[0].config.digest);
  };

  it('takes the password from standard input', async () => {
    const run = await runCli([`oci:${image.dir}:v1`, `${registry.host}/stdin/app:v1`, '--dest-username', USER, '--dest-password-stdin'], {
      home,
      stdin: `${PASSWORD}\n`,
    });
    assert.equal(run.code, 0, run.stderr);
    await assertPushed('stdin/app');
  });

  it('takes user and password from OCI_COPY_DEST_USERNAME and OCI_COPY_DEST_PASSWORD', async () => {
    const env = { OCI_COPY_DEST_USERNAME: USER, OCI_COPY_DEST_PASSWORD: PASSWORD };
    const run = await runCli([`oci:${image.dir}:v1`, `${registry.host}/env/app:v1`], { home, env });
    assert.equal(run.code, 0, run.stderr);
    await assertPushed('env/app');
  });

  it('says which credentials were refused, and never shows them', async () => {
    const env = { OCI_COPY_DEST_USERNAME: USER, OCI_COPY_DEST_PASSWORD: WRONG };
    const run = await runCli([`oci:${image.dir}:v1`, `${registry.host}/wrong/app:v1`], { home, env });
    assert.equal(run.code, 1);
    const last = run.stderr.trim().split('\n').pop()!;
    assert.match(
      last,
      new RegExp(
        `401 Unauthorized: the credentials for ${registry.host} \\(from OCI_COPY_DEST_USERNAME and OCI_COPY_DEST_PASSWORD\\) were refused: check the user name and password or token$`,
      ),
    );
    assert.ok(!run.stderr.includes(WRONG) && !run.stdout.includes(WRONG));
  });

  it('says where it looked when it found none', async () => {
    const run = await runCli([`oci:${image.dir}:v1`, `${registry.host}/none/app:v1`], { home });
    assert.equal(run.code, 1);
    const last = run.stderr.trim().split('\n').pop()!;
    const config = join(home, '.docker', 'config.json');
    assert.ok(
      last.endsWith(
        `: no credentials for ${registry.host}: looked in --dest-creds, OCI_COPY_DEST_USERNAME (none given), ${config} (no such file)`,
      ),
      last,
    );
  });

  it('names the Docker config as where refused credentials came from', async () => {
    const configDir = join(work, 'docker');
    await mkdir(configDir, { recursive: true });
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:${WRONG}`).toString('base64') } } }),
    );
    const run = await runCli([`oci:${image.dir}:v1`, `${registry.host}/config/app:v1`], { home, env: { DOCKER_CONFIG: configDir } });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(`the credentials for ${registry.host} \\(from ${join(configDir, 'config.json').replace(/[.]/g, '\\.')}\\) were refused`),
    );
  });

  it('--debug logs every request and its status, credentials hidden', async () => {
    const env = { OCI_COPY_DEST_USERNAME: USER, OCI_COPY_DEST_PASSWORD: PASSWORD };
    const run = await runCli([`oci:${image.dir}:v1`, `${registry.host}/debug/app:v1`, '--debug', '--no-blob-cache'], { home, env });
    assert.equal(run.code, 0, run.stderr);
    const debug = run.stderr.split('\n').filter((l) => l.startsWith('debug: '));
    const base = `http://${registry.host}/v2/debug/app`;
    assert.ok(
      debug.some((l) => l.startsWith(`debug: HEAD ${base}/`) && / → 401 in \d+ ms$/.test(l)),
      'the first request meets the challenge',
    );
    assert.ok(
      debug.some((l) => l.startsWith(`debug: POST ${base}/blobs/uploads/ (Basic REDACTED) → 202 in `)),
      'then carries credentials, hidden',
    );
    assert.ok(
      debug.some((l) => /^debug: PUT .*\/blobs\/uploads\/[^ ]*_state=REDACTED[^ ]* \(Basic REDACTED\) → 201 in /.test(l)),
      'upload state hidden too',
    );
    assert.ok(debug.some((l) => l.startsWith(`debug: PUT ${base}/manifests/v1 (Basic REDACTED) → 201`)));
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    assert.ok(!run.stderr.includes(PASSWORD) && !run.stderr.includes(basic));
  });
});
