// Writes examples/hello-layout: a small two-platform OCI image layout that `npm run demo` copies.
// Deterministic: the same bytes (and digests) every time it runs.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

const dir = new URL('../examples/hello-layout/', import.meta.url).pathname;
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });

const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
function blob(mediaType, bytes, extra = {}) {
  const digest = sha(bytes);
  writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  return { mediaType, digest, size: bytes.length, ...extra };
}

async function tarOf(files) {
  const p = tarPack();
  const chunks = [];
  p.on('data', (c) => chunks.push(c));
  const done = new Promise((r) => p.on('end', r));
  for (const [name, text] of files) p.entry({ name, mtime: new Date(0), uid: 0, gid: 0, mode: 0o644 }, text);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

const base = await tarOf([['etc/motd', 'Copied by oci-copy.\n']]);
const shared = blob('application/vnd.oci.image.layer.v1.tar+gzip', gzipSync(base, { level: 9 }));
const manifests = [];
for (const [os, architecture, variant] of [
  ['linux', 'amd64'],
  ['linux', 'arm64', 'v8'],
]) {
  const own = await tarOf([['hello.txt', `Hello from ${os}/${architecture}.\n`]]);
  const layer = blob('application/vnd.oci.image.layer.v1.tar+gzip', gzipSync(own, { level: 9 }));
  const diffIds = [base, own].map(sha);
  const platform = variant ? { architecture, os, variant } : { architecture, os };
  const config = blob(
    'application/vnd.oci.image.config.v1+json',
    Buffer.from(JSON.stringify({ ...platform, config: { Cmd: ['cat', '/hello.txt'] }, rootfs: { type: 'layers', diff_ids: diffIds } })),
  );
  const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [shared, layer] };
  manifests.push(blob(manifest.mediaType, Buffer.from(JSON.stringify(manifest)), { platform }));
}
const index = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests };
const root = blob(index.mediaType, Buffer.from(JSON.stringify(index)), { annotations: { 'org.opencontainers.image.ref.name': 'v1' } });
writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
writeFileSync(
  join(dir, 'index.json'),
  `${JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [root] }, null, 2)}\n`,
);
console.log(`examples/hello-layout:v1 ${root.digest}`);
