// Renders the job summaries of real runs as GitHub shows them, to look at: a promotion of a signed
// two-platform image to three destinations (one down), its re-run (nothing to copy), a dry run of
// it, one platform copied to one destination (the referrers of the index left behind), a refusal
// by no-clobber, and a sync of three entries (one with a platform, one with referrers, one
// missing) where a tag moves. Each summary goes through a GFM renderer (marked) into GitHub's
// markdown stylesheet, and headless Chromium (Debian's `chromium`) takes a screenshot.
// Usage: npm run bundle && node scripts/summary-preview.mjs [OUT-DIR]   (default .tmp/summary-preview)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
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
const { startPromotionScenario } = await import(join(root, 'lib/test/support/promotion-scenario.js'));
const { runAction } = await import(join(root, 'lib/test/support/run-action.js'));
const { pushImageOverHttp } = await import(join(root, 'lib/test/support/images.js'));
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
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(out, '.chromium')}`, '--hide-scrollbars', '--window-size=1080,3200', `--screenshot=${png}`, `file://${page}`],
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
  const refused = await promotion.run({ destination: `${dst.host}/fresh/app:1.2.0\n${dst.host}/release/app:stable,latest`, 'no-clobber': 'true' });
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
