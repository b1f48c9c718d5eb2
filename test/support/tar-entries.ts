// Tar archives built entry by entry with tar-stream, exactly as listed (hostile names and links
// included), for the archives other tools write and the ones no honest tool writes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { openArchiveFile, openArchiveStream } from '../../src/targets/archive/reader.js';
import { sha } from './blobs.js';

export interface TarEntry {
  name: string;
  body?: Buffer | string;
  type?: 'file' | 'symlink' | 'link' | 'directory' | 'character-device' | 'fifo';
  linkname?: string;
  /** Extended header records: the entry is then preceded by a pax header, as GNU tar --format=posix writes. */
  pax?: Record<string, string>;
}

/** One time for every entry: the same entries make the same bytes, whenever (and across which second) they are packed. */
const MTIME = new Date('2024-01-01T00:00:00Z');

/** The whole archive in memory: the tests' archives are small. */
export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of p) chunks.push(c as Buffer);
  })();
  for (const e of entries) {
    const body = e.body === undefined ? undefined : Buffer.from(e.body);
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type: e.type ?? 'file', linkname: e.linkname, size: body?.length ?? 0, pax: e.pax, mtime: MTIME };
      if (body) p.entry(header, body, (err) => (err ? reject(err) : resolve()));
      else p.entry(header, (err) => (err ? reject(err) : resolve())).end(undefined);
    });
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function blobName(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

/** A one-layer OCI image as archive entries, tagged with each of `tags`. */
export function image(tags: string[], seed = 'layer') {
  const layer = Buffer.from(`layer bytes ${seed}`.repeat(100));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length }],
    }),
  );
  const root = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length };
  const index = JSON.stringify({
    schemaVersion: 2,
    manifests: tags.map((t) => ({ ...root, annotations: { 'org.opencontainers.image.ref.name': t } })),
  });
  const blobs: TarEntry[] = [
    { name: blobName(sha(layer)), body: layer },
    { name: blobName(sha(config)), body: config },
    { name: blobName(root.digest), body: manifest },
  ];
  return { layer, config, manifest, root, index, blobs };
}

/**
 * Writes an archive under `work()/name` and opens it both ways: as a seekable file (indexed) and
 * as a pipe (spooled into `spool`, a private temporary parent, so a test can check it is left empty).
 */
export function archiveOpener(work: () => string) {
  return async (bytes: Buffer, name: string) => {
    const dir = join(work(), name);
    await mkdir(join(dir, 'spool'), { recursive: true });
    const file = join(dir, 'a.tar');
    await writeFile(file, bytes);
    return {
      dir,
      spool: join(dir, 'spool'),
      file: () => openArchiveFile(file),
      pipe: () => openArchiveStream(Readable.from([bytes]), { tempDir: join(dir, 'spool'), description: '[oci-archive] -' }),
    };
  };
}
