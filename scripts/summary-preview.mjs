// Renders the job summaries of real runs as GitHub shows them, to look at: a promotion of a signed
// two-platform image to three destinations (one down), its re-run (nothing to copy), a dry run of
// it, one platform copied to one destination (the referrers of the index left behind), a refusal
// by no-clobber, and a sync of three entries (one with a platform, one with referrers, one
// missing) where a tag moves. Then a verified promotion (a keyless-signed image copied and signed
// with the runner's token) and a sync where the signature policy refuses an unsigned image; a
// re-run of a mirror with prune and immutable tags; and a sync stopped by its pull budget (Docker
// Hub's rate-limit headers from a front). Each summary goes through a GFM renderer (marked) into GitHub's
// markdown stylesheet, and headless Chromium (Debian's `chromium`) takes a screenshot.
// Usage: npm run bundle && node scripts/summary-preview.mjs [OUT-DIR]   (default .tmp/summary-preview)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(root, '.tmp', 'summary-preview'));
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!chromium) {
  console.error('summary-preview: chromium is not installed (apt-get install chromium)');
  process.exit(1);
}
// GitHub draws the summary's marks (🩺 🔏 ⚠️) in a colour emoji font; without one Chromium draws empty boxes.
const fonts = spawnSync('fc-list', [':charset=1fa7a'], { encoding: 'utf8' });
if (!fonts.stdout?.trim())
  console.error('summary-preview: no emoji font: the marks show as boxes (apt-get install fonts-noto-color-emoji)');
const { startPromotionScenario } = await import(join(root, 'lib/test/support/promotion-scenario.js'));
const { runAction } = await import(join(root, 'lib/test/support/run-action.js'));
const { makeImageLayout, pushImageOverHttp } = await import(join(root, 'lib/test/support/images.js'));
const { startRegistry } = await import(join(root, 'lib/test/support/registry.js'));
const { addTags, startTagPagingProxy } = await import(join(root, 'lib/test/support/tag-pages.js'));
const { bundleBytes, cosignSignStatement, dsseBundle, fulcioSigner, pushBundleReferrer, SIGN_PREDICATE } = await import(
  join(root, 'lib/test/support/signature-artifacts.js')
);
const { GITHUB_ISSUER, githubClaims, startSigstoreWorld, workflowIdentity } = await import(
  join(root, 'lib/test/support/sigstore-world.js')
);
const css = readFileSync(createRequire(import.meta.url).resolve('github-markdown-css/github-markdown-light.css'), 'utf8');
mkdirSync(out, { recursive: true });

function render(name, markdown) {
  const body = marked.parse(markdown, { gfm: true });
  const html = `<!doctype html><meta charset="utf-8"><style>${css} body{margin:0;background:#fff} .markdown-body{box-sizing:border-box;max-width:1012px;padding:24px 32px}</style><article class="markdown-body">${body}</article>`;
  const page = join(out, `${name}.html`);
  writeFileSync(join(out, `${name}.md`), markdown);
  writeFileSync(page, html);
  const png = join(out, `${name}.png`);
  const res = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(out, '.chromium')}`,
      '--hide-scrollbars',
      '--window-size=1080,3200',
      `--screenshot=${png}`,
      `file://${page}`,
    ],
    { encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`chromium failed: ${res.stderr.split('\n').slice(-3).join(' ')}`);
  console.log(`${name}: ${png}`);
}

const promotion = await startPromotionScenario();
try {
  const { src, dst } = promotion;
  // Before the promotion moves `latest`: two tags there name the older release.
  await pushImageOverHttp(promotion.older, dst.url, 'release/app', 'stable');
  const refused = await promotion.run({
    destination: `${dst.host}/fresh/app:1.2.0\n${dst.host}/release/app:stable,latest`,
    'no-clobber': 'true',
  });
  render('no-clobber', refused.summary);
  const first = await promotion.run();
  render('promotion', first.summary);
  const unchanged = `${dst.host}/release/app:1.2.0,latest`;
  const again = await promotion.run({ destination: unchanged });
  render('promotion-unchanged', again.summary);
  const dry = await promotion.run({ destination: `${unchanged}\n${dst.host}/staging/app:1.2.0`, 'dry-run': 'true' });
  render('dry-run', dry.summary);
  const one = await promotion.run({ destination: `${dst.host}/arm/app:1.2.0`, platform: 'linux/arm64/v8' });
  render('copy-one-platform', one.summary);
  const images = [
    `- source: ${src.host}/acme/app`,
    `  destination: ${dst.host}/mirror/`,
    '  referrers: true',
    `- source: ${src.host}/acme/app:1.2.0`,
    `  destination: ${dst.host}/release/app:latest`,
    '  platform: linux/amd64',
    `- source: ${src.host}/acme/missing`,
    `  destination: ${dst.host}/mirror/`,
  ].join('\n');
  const sync = await runAction({ images, 'blob-cache': 'false' });
  render('sync', sync.summary);
} finally {
  await promotion.stop();
}

// The signature policy, a mirror kept exact, and a pull budget: one registry, one sigstore world.
const work = mkdtempSync(join(tmpdir(), 'oci-copy-preview-'));
const [registry, world] = await Promise.all([startRegistry(), startSigstoreWorld({ dir: work })]);
try {
  let serial = 0;
  const image = (name, size = 1_600) =>
    makeImageLayout(join(work, `${name}-${++serial}`), {
      tag: name,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size, seed: name }] }],
    });
  const push = async (repo, tag, size) => {
    const built = await image(`${repo.replace(/\W/g, '-')}-${tag}`, size);
    await pushImageOverHttp(built, registry.url, repo, tag);
    return built;
  };
  const sign = async (repo, built) => {
    const bundle = await dsseBundle(fulcioSigner(world), cosignSignStatement(built.root.digest), world, 'rekor');
    await pushBundleReferrer(registry, repo, built.root, bundleBytes(bundle), SIGN_PREDICATE);
  };
  const identity = workflowIdentity(githubClaims());
  const policy = {
    'verify-certificate-identity': identity,
    'verify-certificate-oidc-issuer': GITHUB_ISSUER,
    'verify-trusted-root': world.trustedRootPath,
    'blob-cache': 'false',
  };
  const runner = { ACTIONS_ID_TOKEN_REQUEST_URL: world.tokenRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.tokenRequestToken };

  const signed = await push('acme/api', '2.0.0', 40_000);
  await sign('acme/api', signed);
  const verified = await runAction(
    {
      ...policy,
      source: `${registry.host}/acme/api:2.0.0`,
      destination: `${registry.host}/release/api:2.0.0,latest`,
      sign: 'keyless',
      'sign-fulcio-url': world.fulcioUrl,
      'sign-rekor-url': world.rekorUrl,
      'attest-verification': 'true',
    },
    runner,
  );
  render('verified-promotion', verified.summary);

  const good = await push('acme/worker', '2.0.0');
  await sign('acme/worker', good);
  await push('acme/unsigned', '2.0.0');
  const list = [
    `- source: ${registry.host}/acme/worker:2.0.0`,
    `  destination: ${registry.host}/release/worker`,
    `- source: ${registry.host}/acme/unsigned:2.0.0`,
    `  destination: ${registry.host}/release/unsigned`,
  ].join('\n');
  render('verified-sync-refused', (await runAction({ ...policy, images: list })).summary);

  // A mirror's re-run: five releases there already (immutable), latest compared, v2.0.0 new;
  // v0.9.0 deleted at the source is pruned, nightly protected.
  const rel = await push('src/rel', 'v1.0.0');
  const releases = ['v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0'];
  await addTags(registry.url, 'src/rel', 'v1.0.0', [...releases, 'latest']);
  await push('src/rel', 'v2.0.0');
  await pushImageOverHttp(rel, registry.url, 'mirror/rel', 'v1.0.0');
  await addTags(registry.url, 'mirror/rel', 'v1.0.0', [...releases, 'latest']);
  await push('mirror/rel', 'v0.9.0');
  await push('mirror/rel', 'nightly');
  const mirror = [
    `- source: ${registry.host}/src/rel`,
    `  destination: ${registry.host}/mirror/rel`,
    '  prune: true',
    '  protect: [nightly]',
    "  immutable-tags: ['v*']",
  ].join('\n');
  render('prune-immutable', (await runAction({ images: mirror, 'blob-cache': 'false' })).summary);

  // Six tags behind a front that answers with Docker Hub's pull-limit headers: 14 pulls left, keep 10.
  const front = await startTagPagingProxy(registry.url, 1000, { rateLimit: { limit: 100, remaining: 14, windowSeconds: 21600 } });
  try {
    for (const t of ['t1', 't2', 't3', 't4', 't5', 't6']) await push('src/budget', t);
    const budget = await runAction({
      images: `- source: ${front.host}/src/budget\n  destination: ${registry.host}/mirror/budget\n`,
      'min-pulls-left': '10',
      'blob-cache': 'false',
    });
    render('pull-budget', budget.summary);
  } finally {
    await front.stop();
  }
} finally {
  await Promise.all([registry.stop(), world.stop()]);
  rmSync(work, { recursive: true, force: true });
}

// A mirror proved: three images mirrored with a lock, then a layer lost from the mirror's storage
// and a source tag moved. A check names both, a repair puts the layer back, a locked run reports the
// drift against the lock. Last, a layer uploaded through a link that drops now and then (resent bytes).
const proof = mkdtempSync(join(tmpdir(), 'oci-copy-preview-'));
const [source, mirrorRegistry] = await Promise.all([startRegistry(), startRegistry()]);
try {
  const pushTo = async (r, repo, tag, seed, size = 30_000) => {
    const built = await makeImageLayout(join(proof, `${repo.replace(/\W/g, '-')}-${tag}-${seed}`), {
      tag,
      platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size, seed }] }],
    });
    await pushImageOverHttp(built, r.url, repo, tag);
    return built;
  };
  const names = ['api', 'worker', 'web'];
  const built = {};
  for (const name of names) built[name] = await pushTo(source, `team/${name}`, '1.0', name);
  const entries = names.map((n) => `- source: ${source.host}/team/${n}:1.0\n  destination: ${mirrorRegistry.host}/mirror/${n}`).join('\n');
  const lockFile = join(proof, 'mirror.lock');
  await runAction({ images: entries, 'lock-file': lockFile, 'blob-cache': 'false' });
  // The worker's layer is gone from the mirror's storage; the web tag moved at the source.
  const layer = built.worker.manifests[0].layers[0].digest.slice('sha256:'.length);
  rmSync(join(mirrorRegistry.storage, 'docker/registry/v2/blobs/sha256', layer.slice(0, 2), layer, 'data'));
  await pushTo(source, 'team/web', '1.0', 'web-rebuilt');
  render('check', (await runAction({ images: entries, check: 'true', 'blob-cache': 'false' })).summary);
  render('repair', (await runAction({ images: entries, repair: 'true', 'blob-cache': 'false' })).summary);
  render('locked-drift', (await runAction({ images: entries, 'lock-file': lockFile, locked: 'true', 'blob-cache': 'false' })).summary);

  const { startFront } = await import(join(root, 'lib/test/support/huge-front.js'));
  const flaky = await startFront(mirrorRegistry.url, { capBytes: 4 * 1024 * 1024, dropEveryBytes: 5 * 1024 * 1024 });
  try {
    await pushTo(source, 'team/big', '1.0', 'big', 12 * 1024 * 1024);
    render(
      'resent',
      (await runAction({ source: `${source.host}/team/big:1.0`, destination: `${flaky.host}/mirror/big:1.0`, 'blob-cache': 'false' }))
        .summary,
    );
  } finally {
    await flaky.stop();
  }
} finally {
  await Promise.all([source.stop(), mirrorRegistry.stop()]);
  rmSync(proof, { recursive: true, force: true });
}
