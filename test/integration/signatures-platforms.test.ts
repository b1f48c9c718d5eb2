// sign-platforms: each platform manifest of an index signed too (cosign's --recursive), as podman and
// skopeo policies check every platform image they pull. Through the action, the command line and the
// library, against the real registry: each platform's signature verified by oci-copy (a policy with
// verify-platforms) and by openssl; Docker's build attestations left unsigned; a re-run signs only
// what lacks a signature. Keys of three types (ECDSA P-256, RSA, Ed25519), as cosign key files.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sync } from '../../src/api/sync.js';
import { SignatureRefusedError } from '../../src/signatures/errors.js';
import { keyFingerprint } from '../../src/signatures/public-key.js';
import { verifyImage } from '../../src/signatures/verify.js';
import { runCli } from '../support/cli.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import type { TestDescriptor } from '../support/images.js';
import { fallbackTag, getManifest, OCI_INDEX, OCI_MANIFEST, pushBlob, putManifest, type Desc } from '../support/referrer-artifacts.js';
import type { TestRegistry } from '../support/registry.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';
import { IN_TOTO, pae } from '../support/signature-artifacts.js';
import { startSigningScene, type SigningScene } from '../support/signing-scene.js';
import { GITHUB_ISSUER, githubClaims, workflowIdentity } from '../support/sigstore-world.js';
import { opensslVerifies as verifiedByOpenssl } from '../support/openssl.js';

const PASSWORD = 'every-platform-31';

interface Key {
  name: string;
  privateKey: KeyObject;
  publicPem: string;
  keyFile: string;
  pubFile: string;
  fingerprint: string;
  /** openssl's digest option, none for Ed25519 (`pkeyutl -rawin`). */
  digest?: string;
}

describe('sign-platforms: every platform manifest of an index signed, as podman and skopeo check them', () => {
  let scene: SigningScene;
  let registry: TestRegistry;
  let work: string;
  let home: string;
  let p256: Key;
  let rsa: Key;
  let ed25519: Key;

  async function makeKey(name: string, pair: { privateKey: KeyObject }, digest?: string): Promise<Key> {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const publicPem = createPublicKey(pair.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const keyFile = join(work, `${slug}.key`);
    const pubFile = join(work, `${slug}.pub`);
    await writeFile(keyFile, encryptCosignKey(pair.privateKey, PASSWORD, 32768));
    await writeFile(pubFile, publicPem);
    return {
      name,
      privateKey: pair.privateKey,
      publicPem,
      keyFile,
      pubFile,
      fingerprint: keyFingerprint(createPublicKey(pair.privateKey)),
      ...(digest ? { digest } : {}),
    };
  }

  before(async () => {
    scene = await startSigningScene('oci-copy-signplat-');
    ({ registry, work } = scene);
    home = join(work, 'home');
    p256 = await makeKey('ECDSA P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' }), '-sha256');
    rsa = await makeKey('RSA 3072', generateKeyPairSync('rsa', { modulusLength: 3072 }), '-sha256');
    ed25519 = await makeKey('Ed25519', generateKeyPairSync('ed25519'));
  });

  after(async () => {
    await scene?.stop();
  });

  const ref = (repo: string) => `${registry.host}/${repo}:1.0`;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { home, env: { OCI_COPY_TIMEOUT_SECONDS: '20', ...env } });
  const writes = (requests: Array<{ method: string; path: string }>) =>
    requests.filter((r) => !['GET', 'HEAD'].includes(r.method)).map((r) => `${r.method} ${r.path}`);
  const platformPolicy = (key: Key) => scene.policy({ key: key.pubFile, platforms: true });

  /**
   * An index as buildx pushes one: linux/amd64 and linux/arm64, and a build attestation manifest
   * (`unknown/unknown`, `vnd.docker.reference.type: attestation-manifest`) for the first.
   */
  async function buildxImage(repo: string): Promise<{ root: TestDescriptor; platforms: Desc[]; attestation: Desc }> {
    const first = await scene.image(repo, { platforms: 2 });
    const index = (await getManifest(registry, repo, first.digest)).doc!;
    const platforms = index.manifests;
    const config = await pushBlob(registry, repo, Buffer.from('{}'), 'application/vnd.oci.image.config.v1+json');
    const layer = await pushBlob(
      registry,
      repo,
      Buffer.from(`{"predicateType":"https://slsa.dev/provenance/v0.2","for":"${platforms[0].digest}"}`),
      'application/vnd.in-toto+json',
    );
    const att = await putManifest(
      registry,
      repo,
      'att',
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] },
      OCI_MANIFEST,
    );
    const attestation = {
      ...att,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: { 'vnd.docker.reference.digest': platforms[0].digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    };
    const doc = { ...index, manifests: [...platforms, attestation] };
    const root = await putManifest(registry, repo, '1.0', doc, OCI_INDEX);
    return { root, platforms, attestation };
  }

  /** `openssl` verifies the signature (see support/openssl.ts). */
  const opensslVerifies = (key: Key, data: Buffer, signature: Buffer) =>
    verifiedByOpenssl(work, key.publicPem, data, signature, key.digest);

  /** openssl checks the one bundle referrer of `digest`: the DSSE signature over the statement, which names `digest`. */
  async function opensslChecksBundle(repo: string, digest: string, key: Key): Promise<void> {
    const index = await getManifest(registry, repo, fallbackTag(digest));
    assert.equal(index.status, 200, `${digest} has a referrers index`);
    assert.equal(index.doc!.manifests.length, 1, `${digest}: one signature`);
    const manifest = (await getManifest(registry, repo, index.doc!.manifests[0].digest)).doc as Record<string, any>;
    const bundle = JSON.parse((await scene.blob(repo, manifest.layers[0].digest)).toString('utf8'));
    const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    assert.equal(JSON.parse(statement.toString('utf8')).subject[0].digest.sha256, digest.slice('sha256:'.length));
    const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    assert.ok(
      await opensslVerifies(key, pae(IN_TOTO, statement), sig),
      `openssl verifies the signature of ${digest} with the ${key.name} key`,
    );
  }

  /** openssl checks the one `.sig` layer of `digest`: the signature over the simple-signing payload, which names `digest` and the repository. */
  async function opensslChecksLegacy(repo: string, digest: string, key: Key): Promise<void> {
    const sig = await getManifest(registry, repo, `${fallbackTag(digest)}.sig`);
    assert.equal(sig.status, 200, `${digest} has a .sig tag`);
    const layers = (sig.doc as unknown as { layers: Desc[] }).layers;
    assert.equal(layers.length, 1, `${digest}: one signature`);
    const payload = await scene.blob(repo, layers[0].digest);
    const critical = JSON.parse(payload.toString('utf8')).critical;
    assert.equal(critical.image['docker-manifest-digest'], digest);
    assert.equal(critical.identity['docker-reference'], `${registry.host}/${repo}`);
    const signature = Buffer.from(layers[0].annotations!['dev.cosignproject.cosign/signature'], 'base64');
    assert.ok(await opensslVerifies(key, payload, signature), `openssl verifies the .sig of ${digest} with the ${key.name} key`);
  }

  /** The manifest holding the index's own signature, from the action's verification output. */
  const record0 = (r: { outputs: Record<string, string> }) =>
    (JSON.parse(r.outputs.verification) as Array<Record<string, any>>)[0].signed.manifest;

  /** A Rekor in front of the world's that passes `pass` entries to it, then answers 500 to every new one. */
  async function flakyRekor(upstream: string, pass: number): Promise<{ url: string; close(): Promise<void> }> {
    let posts = 0;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (req.method === 'POST' && ++posts > pass) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"code":500,"message":"the log is down"}');
        return;
      }
      const answer = await fetch(new URL(req.url ?? '/', upstream), {
        method: req.method,
        headers: { 'content-type': String(req.headers['content-type'] ?? 'application/json'), accept: 'application/json' },
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
      });
      const headers: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
      const location = answer.headers.get('location');
      if (location) headers.location = location;
      res.writeHead(answer.status, headers);
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  const unsigned = async (repo: string, digest: string) => {
    assert.equal((await getManifest(registry, repo, fallbackTag(digest))).status, 404, `${digest} has no referrers index`);
    assert.equal((await getManifest(registry, repo, `${fallbackTag(digest)}.sig`)).status, 404, `${digest} has no .sig`);
  };

  it('the action: the index and each platform manifest signed in the legacy form, each verified by oci-copy and openssl; the attestation manifest left alone; a re-run writes nothing', async () => {
    const { root, platforms, attestation } = await buildxImage('act/app');
    const inputs = {
      source: ref('act/app'),
      destination: ref('act/out'),
      'blob-cache': 'false',
      sign: 'key',
      'sign-key': p256.keyFile,
      'sign-key-password': PASSWORD,
      'signature-format': 'legacy',
      'sign-platforms': 'true',
    };
    const first = await runAction(inputs, {}, ACTION_COMPILED);
    assert.equal(first.code, 0, first.stdout);
    assert.match(
      first.stdout,
      new RegExp(
        `Signed ${root.digest} \\(key, legacy\\) as key ${p256.fingerprint.replace(/[+/]/g, '\\$&')}: tag [^\\n]*; platform manifests: 2 signed\\n`,
      ),
    );
    for (const [i, p] of platforms.entries()) {
      const name = ['linux/amd64', 'linux/arm64'][i];
      assert.ok(
        first.stdout.includes(
          `Signed platform manifest ${name} ${p.digest} of ${root.digest} (key, legacy): tag ${fallbackTag(p.digest)}.sig`,
        ),
        first.stdout,
      );
      await opensslChecksLegacy('act/out', p.digest, p256);
    }
    await opensslChecksLegacy('act/out', root.digest, p256);
    await unsigned('act/out', attestation.digest);
    assert.ok(first.summary.includes(`(manifest ${record0(first)}); platform manifests: 2 signed\n`), first.summary);
    assert.ok(first.summary.includes(`Signed platform manifest linux/arm64 ${platforms[1].digest}`), first.summary);
    const [record] = JSON.parse(first.outputs.verification) as Array<Record<string, any>>;
    assert.deepEqual(
      record.signed.platforms.map((p: Record<string, string>) => [p.digest, p.platform, p.state, p.format, p.tag]),
      platforms.map((p, i) => [p.digest, ['linux/amd64', 'linux/arm64'][i], 'signed', 'legacy', `${fallbackTag(p.digest)}.sig`]),
    );

    // oci-copy's own verifier, with a policy that covers every platform (as podman's does).
    const verified = await verifyImage(scene.repository('act/out'), root, platformPolicy(p256));
    assert.deepEqual(
      verified.platforms?.map((p) => [p.digest, p.verified, p.signer?.keyFingerprint, p.found[0]?.form]),
      platforms.map((p) => [p.digest, true, p256.fingerprint, 'legacy']),
    );

    await registry.resetRequests();
    const again = await runAction(inputs, {}, ACTION_COMPILED);
    assert.equal(again.code, 0, again.stdout);
    assert.ok(again.stdout.includes(`Not signed again: ${root.digest} is already signed by key ${p256.fingerprint}`), again.stdout);
    assert.ok(again.stdout.includes('; platform manifests: 2 already signed'), again.stdout);
    for (const p of platforms)
      assert.ok(
        again.stdout.includes(`Not signed again: platform manifest linux/`) &&
          again.stdout.includes(`${p.digest} of ${root.digest} is already signed by this signer (tag ${fallbackTag(p.digest)}.sig`),
        again.stdout,
      );
    assert.deepEqual(writes(await registry.settledRequests()), [], 'nothing written');
    assert.ok(again.summary.includes('nothing was copied, nothing was written'), again.summary);
  });

  it('the action: keyless, an index signed alone before gets each platform manifest signed on the re-run (a Fulcio certificate and a Rekor entry each), which a keyless platform policy accepts', async () => {
    const { world } = scene;
    const root = await scene.image('act-keyless/app', { platforms: 2 });
    const inputs = {
      source: ref('act-keyless/app'),
      destination: ref('act-keyless/out'),
      'blob-cache': 'false',
      sign: 'keyless',
      'sign-fulcio-url': world.fulcioUrl,
      'sign-rekor-url': world.rekorUrl,
    };
    const runner = { ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.tokenRequestToken };
    const alone = await runAction(inputs, runner, ACTION_COMPILED);
    assert.equal(alone.code, 0, alone.stdout);
    assert.doesNotMatch(alone.stdout, /platform manifest/);
    const policy = scene.policy({
      certificateIdentity: workflowIdentity(githubClaims()),
      certificateOidcIssuer: GITHUB_ISSUER,
      platforms: true,
    });
    await assert.rejects(verifyImage(scene.repository('act-keyless/out'), root, policy), SignatureRefusedError);

    const run = await runAction({ ...inputs, 'sign-platforms': 'true' }, runner, ACTION_COMPILED);
    assert.equal(run.code, 0, run.stdout);
    assert.ok(run.stdout.includes(`Not signed again: ${root.digest} is already signed by ${workflowIdentity(githubClaims())}`), run.stdout);
    assert.ok(run.stdout.includes('; platform manifests: 2 signed'), run.stdout);
    assert.ok(run.summary.includes('nothing was copied, only the signatures above were written'), run.summary);
    const verified = await verifyImage(scene.repository('act-keyless/out'), root, policy);
    assert.equal(verified.platforms?.length, 2);
    for (const p of verified.platforms!) {
      assert.equal(p.signer?.identity, workflowIdentity(githubClaims()));
      assert.ok(p.tlogIndex !== undefined, 'logged in Rekor');
    }
  });

  it('the command line: an index signed alone is refused by a platform policy; --sign-platforms then signs only the platform manifests (RSA key, bundles), which openssl verifies; a dry run says what it would sign', async () => {
    const { root, platforms, attestation } = await buildxImage('cli/app');
    const env = { COSIGN_PASSWORD: PASSWORD };
    const sign = ['--sign', 'key', '--sign-key', rsa.keyFile];

    const dry = await cli(['--dry-run', ...sign, '--sign-platforms', ref('cli/app'), ref('cli/out')], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(
      dry.stderr.includes(`Would sign ${root.digest} (key, bundle) as key ${rsa.fingerprint}; platform manifests: 2 would be signed`),
      dry.stderr,
    );
    assert.ok(
      dry.stderr.includes(`Would sign platform manifest linux/arm64 ${platforms[1].digest} of ${root.digest} (key, bundle)`),
      dry.stderr,
    );
    assert.equal((await getManifest(registry, 'cli/out', '1.0')).status, 404, 'a dry run writes nothing');

    const alone = await cli([...sign, ref('cli/app'), ref('cli/out')], env);
    assert.equal(alone.code, 0, alone.stderr);
    assert.doesNotMatch(alone.stderr, /platform manifest/);
    await assert.rejects(
      verifyImage(scene.repository('cli/out'), root, platformPolicy(rsa)),
      (err: Error) => err instanceof SignatureRefusedError && err.message.includes(`(linux/amd64 of ${root.digest})`),
      'a platform policy refuses an index signed alone, as podman would',
    );

    const mended = await cli([...sign, '--sign-platforms', '--json', ref('cli/app'), ref('cli/out')], env);
    assert.equal(mended.code, 0, mended.stderr);
    assert.ok(
      mended.stderr.includes(`Not signed again: ${root.digest} is already signed by key ${rsa.fingerprint} (referrer sha256:`) &&
        mended.stderr.includes('; platform manifests: 2 signed'),
      mended.stderr,
    );
    const account = JSON.parse(mended.stdout) as { verification: { signed: { state: string; platforms: Array<Record<string, string>> } } };
    assert.equal(account.verification.signed.state, 'already-signed');
    assert.deepEqual(
      account.verification.signed.platforms.map((p) => [p.digest, p.state, p.format]),
      platforms.map((p) => [p.digest, 'signed', 'bundle']),
    );
    for (const p of [root, ...platforms]) await opensslChecksBundle('cli/out', p.digest, rsa);
    await unsigned('cli/out', attestation.digest);
    const verified = await verifyImage(scene.repository('cli/out'), root, platformPolicy(rsa));
    assert.deepEqual(
      verified.platforms?.map((p) => p.signer?.keyFingerprint),
      [rsa.fingerprint, rsa.fingerprint],
    );

    await registry.resetRequests();
    const again = await cli([...sign, '--sign-platforms', ref('cli/app'), ref('cli/out')], env);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(again.stderr.includes('; platform manifests: 2 already signed'), again.stderr);
    assert.deepEqual(writes(await registry.settledRequests()), [], 'nothing written');

    // The copy on from there, gated by the RSA public key over every platform, as the command line reads it.
    const gated = await cli(['--verify-key', rsa.pubFile, '--verify-platforms', ref('cli/out'), ref('cli/next')]);
    assert.equal(gated.code, 0, gated.stderr);
    assert.ok(
      gated.stderr.includes(`Verified ${root.digest}: signed by key ${rsa.fingerprint}`) &&
        gated.stderr.includes('2 platform manifests verified too'),
      gated.stderr,
    );

    // A dry run for a list of platforms, whose index is made here: its platform manifests are those chosen.
    const listed = await cli(
      ['--dry-run', ...sign, '--sign-platforms', '--platform', 'linux/arm64,linux/amd64', ref('cli/app'), ref('cli/list')],
      env,
    );
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stderr.includes('; platform manifests: 2 would be signed'), listed.stderr);
    for (const p of platforms)
      assert.ok(
        listed.stderr.includes(`Would sign platform manifest linux/`) && listed.stderr.includes(`${p.digest} of sha256:`),
        listed.stderr,
      );

    const stray = await cli(['--sign-platforms', ref('cli/app'), ref('cli/out')]);
    assert.equal(stray.code, 2, stray.stderr);
    assert.equal(
      stray.stderr.trim().split('\n').at(-1),
      'oci-copy: --sign-platforms is given but nothing is signed: set --sign to keyless or key',
    );
  });

  it('the command line: a platform manifest whose signing fails is named, with what is signed all the same; the re-run signs only what lacks a signature', async () => {
    const { root, platforms } = await buildxImage('cli-fail/app');
    const env = { COSIGN_PASSWORD: PASSWORD };
    const sign = ['--sign', 'key', '--sign-key', p256.keyFile, '--sign-platforms'];
    // A Rekor that logs two entries (the index's, linux/amd64's), then fails.
    const rekor = await flakyRekor(scene.world.rekorUrl, 2);
    try {
      const failed = await cli([...sign, '--sign-rekor-url', rekor.url, ref('cli-fail/app'), ref('cli-fail/out')], env);
      assert.equal(failed.code, 1, failed.stderr);
      const last = failed.stderr.trim().split('\n').at(-1)!;
      assert.ok(
        last.includes(
          `${root.digest} is copied and tagged, but its platform manifest ${platforms[1].digest} (linux/arm64) is not signed: `,
        ) && last.endsWith('(the index is signed, and 1 of its 1 other platform manifest; a re-run signs what lacks a signature)'),
        last,
      );
    } finally {
      await rekor.close();
    }
    await unsigned('cli-fail/out', platforms[1].digest);

    const mended = await cli([...sign, '--sign-rekor-url', scene.world.rekorUrl, ref('cli-fail/app'), ref('cli-fail/out')], env);
    assert.equal(mended.code, 0, mended.stderr);
    assert.ok(mended.stderr.includes(`Not signed again: ${root.digest} is already signed by key ${p256.fingerprint}`), mended.stderr);
    assert.ok(mended.stderr.includes('; platform manifests: 1 signed, 1 already signed'), mended.stderr);
    assert.ok(
      mended.stderr.includes(`Signed platform manifest linux/arm64 ${platforms[1].digest} of ${root.digest} (key, bundle)`),
      mended.stderr,
    );
    for (const p of [root, ...platforms]) await opensslChecksBundle('cli-fail/out', p.digest, p256);
    const verified = await verifyImage(scene.repository('cli-fail/out'), root, platformPolicy(p256));
    assert.equal(verified.platforms?.length, 2);
  });

  it("the library: an entry's sign-platforms key signs every platform with an Ed25519 key file; a single manifest is said to have none; a bad value names the entry's field", async () => {
    const { root, platforms, attestation } = await buildxImage('lib/app');
    const single = await scene.image('lib/single');
    const signing = ['sign: key', `sign-key: ${ed25519.keyFile}`, `sign-key-password: ${PASSWORD}`, 'sign-platforms: true'];
    const entry = (src: string, dst: string, lines: string[]) =>
      [`- source: ${registry.host}/${src}:1.0`, `  destination: ${registry.host}/${dst}`, ...lines.map((l) => `  ${l}`)].join('\n');
    const result = await sync([entry('lib/app', 'lib/out', signing), entry('lib/single', 'lib/single-out', signing)].join('\n'));
    const [multi, one] = result.results;
    assert.equal(multi.status, 'copied', multi.error);
    assert.equal(multi.checks.sign?.state, 'signed');
    assert.deepEqual(
      multi.checks.sign?.platforms?.map((p) => [p.digest, p.platform, p.state]),
      platforms.map((p, i) => [p.digest, ['linux/amd64', 'linux/arm64'][i], 'signed']),
    );
    assert.deepEqual(
      multi.presented.find((p) => p.check === 'sign')?.summaryCells(),
      ['signed, key; platform manifests: 2 signed (below)'],
      "a sync table's cell gives the count",
    );
    for (const p of [root, ...platforms]) await opensslChecksBundle('lib/out', p.digest, ed25519);
    await unsigned('lib/out', attestation.digest);
    const verified = await verifyImage(scene.repository('lib/out'), root, platformPolicy(ed25519));
    assert.equal(verified.platforms?.length, 2);

    assert.equal(one.status, 'copied', one.error);
    assert.deepEqual(one.checks.sign?.platforms, []);
    assert.ok(
      one.presented.some((p) =>
        p
          .logLines(one, false)
          .some(
            (l) =>
              l.startsWith(`Signed ${single.digest}`) &&
              l.endsWith('; sign-platforms: it has no platform manifests to sign (a single manifest, or an index of none)'),
          ),
      ),
      'the line says there was nothing under it to sign',
    );

    const bad = await sync(entry('lib/app', 'lib/bad', ['sign: key', `sign-key: ${ed25519.keyFile}`, 'sign-platforms: maybe'])).catch(
      (err: Error) => err,
    );
    assert.ok(bad instanceof Error, 'the list is refused');
    assert.match(bad.message, /entry 1 \(line \d+\), field "sign-platforms" is "maybe": use true or false$/);
  });
});
