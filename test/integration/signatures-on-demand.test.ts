// The Sigstore libraries are a few megabytes of code: a job that neither verifies nor signs starts
// without them, one that does loads them, and a trusted root they cannot read stops the job before
// anything is copied. The command line runs as a user runs it, with a module hook that writes down
// every module it loads from node_modules/@sigstore. Against a real registry.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../support/cli.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

/** Records each resolved module under node_modules/@sigstore, as the CLI loads it (import or require). */
const HOOK = `
import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    if (result.url.includes('/node_modules/@sigstore/')) appendFileSync(process.env.SIGSTORE_LOAD_LOG, result.url + '\\n');
    return result;
  },
});
`;

describe('the Sigstore libraries, loaded on demand', () => {
  let registry: TestRegistry;
  let work: string;
  let hook: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-on-demand-'));
    registry = await startRegistry();
    const image = await makeImageLayout(join(work, 'app'), {
      tag: '1.0',
      index: false,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 2000, seed: 'on-demand' }] }],
    });
    await pushImageOverHttp(image, registry.url, 'src/app', '1.0');
    hook = join(work, 'hook.mjs');
    await writeFile(hook, HOOK);
    await writeFile(
      join(work, 'cosign.pub'),
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
    );
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Runs the CLI; what it loaded from @sigstore comes back with its exit status and streams. */
  const cli = async (name: string, args: string[]) => {
    const log = join(work, `${name}.loaded`);
    await writeFile(log, '');
    const child = spawn(process.execPath, ['--import', hook, CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: work, SIGSTORE_LOAD_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const loaded = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    return { code, stdout, stderr, loaded };
  };

  it('a copy that verifies and signs nothing never loads them', async () => {
    const run = await cli('plain', [`${registry.host}/src/app:1.0`, `${registry.host}/plain/app:1.0`]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.loaded, []);
  });

  it('a copy with a policy loads them, and refuses the unsigned image', async () => {
    const run = await cli('policy', [
      '--verify-key',
      join(work, 'cosign.pub'),
      `${registry.host}/src/app:1.0`,
      `${registry.host}/policy/app:1.0`,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /no signature/i);
    assert.ok(
      run.loaded.some((url) => url.includes('/@sigstore/verify/')),
      `loaded: ${run.loaded.join(', ')}`,
    );
  });

  it('a trusted root whose certificate cannot be read stops the command before anything is written', async () => {
    const root = {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      certificateAuthorities: [
        {
          subject: { organization: 'acme', commonName: 'acme' },
          uri: 'https://fulcio.acme.example',
          certChain: { certificates: [{ rawBytes: Buffer.from('not a certificate').toString('base64') }] },
          validFor: { start: '2024-01-01T00:00:00Z' },
        },
      ],
      tlogs: [],
      ctlogs: [],
      timestampAuthorities: [],
    };
    await writeFile(join(work, 'root.json'), JSON.stringify(root));
    await registry.resetRequests();
    const run = await cli('root', [
      '--verify-certificate-identity',
      'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
      '--verify-certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--verify-trusted-root',
      join(work, 'root.json'),
      `${registry.host}/src/app:1.0`,
      `${registry.host}/root/app:1.0`,
    ]);
    assert.equal(run.code, 2, run.stderr);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /--verify-trusted-root \(.*root\.json\) is malformed: /);
    assert.deepEqual(
      (await registry.settledRequests()).filter((r) => WRITES.has(r.method)),
      [],
      'nothing written',
    );
  });
});
