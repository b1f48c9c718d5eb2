// Test images written as OCI image-layout directories with nothing but fs, crypto and zlib, so tests
// can build their inputs without trusting the code under test.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sha } from './blobs.js';
import { skopeoCopy } from './skopeo.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

const TYPES = {
  oci: {
    index: 'application/vnd.oci.image.index.v1+json',
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
  docker: {
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
} as const;

export interface TestPlatform {
  architecture: string;
  os: string;
  variant?: string;
}

export interface TestDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: TestPlatform;
  annotations?: Record<string, string>;
}

/** A gzip-compressed tar layer holding one file of `size` pseudo-random bytes. */
export interface LayerSpec {
  size: number;
  /** Same seed and size give the same bytes and digest on every run; without one the content is random. */
  seed?: string;
}

export interface PlatformSpec {
  architecture: string;
  os?: string;
  variant?: string;
  /** Layers in order; a string names an entry of `ImageSpec.sharedLayers`. */
  layers: Array<LayerSpec | string>;
}

export interface ImageSpec {
  /** Tag written as the `org.opencontainers.image.ref.name` annotation in index.json (default `latest`). */
  tag?: string;
  platforms: PlatformSpec[];
  /** Layers that several platforms reference by name; each is written once. */
  sharedLayers?: Record<string, LayerSpec>;
  /** Root is an index (default when there is more than one platform) or the single platform's manifest. */
  index?: boolean;
  /** OCI media types (default) or Docker schema 2. */
  format?: 'oci' | 'docker';
  /** Extra annotations on the index (or the single manifest) for unique roots. */
  annotations?: Record<string, string>;
}

export interface BuiltManifest {
  descriptor: TestDescriptor;
  manifest: { config: TestDescriptor; layers: TestDescriptor[] } & Record<string, unknown>;
  config: TestDescriptor;
  layers: TestDescriptor[];
  /** sha256 of each uncompressed layer tar, as the config's rootfs lists them */
  diffIds: string[];
}

export interface ImageLayout {
  dir: string;
  tag: string;
  /** The root: the index, or the manifest when there is one platform and no index. */
  root: TestDescriptor;
  index?: { manifests: TestDescriptor[] } & Record<string, unknown>;
  manifests: BuiltManifest[];
  /** Every distinct blob of the graph, root included, each once, children before parents. */
  blobs: TestDescriptor[];
}

// Pseudo-random data does not compress: stored deflate blocks are still gzip, and three times faster to make.
const GZIP_LEVEL = 0;
const CHUNK = 1 << 20;

/** Writes the image into the OCI layout at `dir` (created or added to) and describes what it wrote. */
export async function makeImageLayout(dir: string, spec: ImageSpec): Promise<ImageLayout> {
  if (spec.platforms.length === 0) throw new Error('an image needs at least one platform');
  const format = spec.format ?? 'oci';
  const types = TYPES[format];
  const tag = spec.tag ?? 'latest';
  const useIndex = spec.index ?? spec.platforms.length > 1;
  if (!useIndex && spec.platforms.length > 1) throw new Error('several platforms need an index');
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));

  const blobs = new Map<string, TestDescriptor>();
  const remember = (d: TestDescriptor) => {
    if (!blobs.has(d.digest)) blobs.set(d.digest, { mediaType: d.mediaType, digest: d.digest, size: d.size });
  };
  const shared = new Map<string, Promise<{ descriptor: TestDescriptor; diffId: string }>>();
  const layerFor = (layer: LayerSpec | string) => {
    if (typeof layer !== 'string') return writeLayer(dir, layer, types.layer);
    const named = spec.sharedLayers?.[layer];
    if (!named) throw new Error(`platform names shared layer "${layer}", which sharedLayers lacks`);
    if (!shared.has(layer)) shared.set(layer, writeLayer(dir, named, types.layer));
    return shared.get(layer)!;
  };

  const manifests: BuiltManifest[] = [];
  for (const p of spec.platforms) {
    const platform: TestPlatform = { architecture: p.architecture, os: p.os ?? 'linux' };
    if (p.variant) platform.variant = p.variant;
    const written = [];
    for (const layer of p.layers) written.push(await layerFor(layer));
    const layers = written.map((w) => w.descriptor);
    const diffIds = written.map((w) => w.diffId);
    for (const l of layers) remember(l);
    const configDoc = {
      ...platform,
      config: {},
      rootfs: { type: 'layers', diff_ids: diffIds },
    };
    const config = await writeJsonBlob(dir, configDoc, types.config);
    remember(config);
    const manifest = {
      schemaVersion: 2,
      mediaType: types.manifest,
      config,
      layers,
      ...(!useIndex && spec.annotations ? { annotations: spec.annotations } : {}),
    };
    const descriptor = await writeJsonBlob(dir, manifest, types.manifest);
    remember(descriptor);
    manifests.push({ descriptor: { ...descriptor, platform }, manifest, config, layers, diffIds });
  }

  let root: TestDescriptor;
  let index: ImageLayout['index'];
  if (useIndex) {
    index = {
      schemaVersion: 2,
      mediaType: types.index,
      manifests: manifests.map((m) => m.descriptor),
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
    };
    root = await writeJsonBlob(dir, index, types.index);
    remember(root);
  } else {
    root = manifests[0].descriptor;
    root = { mediaType: root.mediaType, digest: root.digest, size: root.size };
  }

  await addToLayoutIndex(dir, root, tag);
  return { dir, tag, root, index, manifests, blobs: [...blobs.values()] };
}

/** Points `tag` at `root` in the layout's index.json, keeping the other entries. */
async function addToLayoutIndex(dir: string, root: TestDescriptor, tag: string): Promise<void> {
  const path = join(dir, 'index.json');
  let entries: TestDescriptor[] = [];
  try {
    const existing = JSON.parse(await readFile(path, 'utf8')) as { manifests?: TestDescriptor[] };
    entries = (existing.manifests ?? []).filter((m) => m.annotations?.[REF_NAME_ANNOTATION] !== tag);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  entries.push({ ...root, annotations: { [REF_NAME_ANNOTATION]: tag } });
  const doc = { schemaVersion: 2, mediaType: TYPES.oci.index, manifests: entries };
  await writeFile(path, JSON.stringify(doc, null, 2));
}

export function blobPath(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return join(dir, 'blobs', alg, hex);
}

async function writeJsonBlob(dir: string, doc: unknown, mediaType: string): Promise<TestDescriptor> {
  const bytes = Buffer.from(JSON.stringify(doc));
  const digest = sha(bytes);
  await writeFile(blobPath(dir, digest), bytes);
  return { mediaType, digest, size: bytes.length };
}

/** Streams pseudo-random bytes: AES-128-CTR over zeros, keyed by the seed. */
export function pseudoRandomStream(size: number, seed: string): Readable {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, CHUNK);
      left -= n;
      this.push(cipher.update(n === CHUNK ? zeros : zeros.subarray(0, n)));
    },
  });
}

/** Frames a stream of `size` bytes as a one-file ustar archive. */
async function* tarOneFile(name: string, size: number, content: Readable): AsyncGenerator<Buffer> {
  yield tarHeader(name, size);
  for await (const chunk of content) yield chunk as Buffer;
  const pad = (512 - (size % 512)) % 512;
  yield Buffer.alloc(pad + 1024); // padding, then the two zero blocks that end an archive
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${octal(sum, 7)} `, 148, 'ascii');
  return h;
}

class Hashing extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

async function writeLayer(dir: string, spec: LayerSpec, mediaType: string): Promise<{ descriptor: TestDescriptor; diffId: string }> {
  const seed = spec.seed ?? randomBytes(16).toString('hex');
  const tmp = join(dir, 'blobs', `.tmp-${randomBytes(8).toString('hex')}`);
  const uncompressed = new Hashing();
  const compressed = new Hashing();
  try {
    await pipeline(
      Readable.from(tarOneFile('data.bin', spec.size, pseudoRandomStream(spec.size, seed))),
      uncompressed,
      createGzip({ level: GZIP_LEVEL }),
      compressed,
      createWriteStream(tmp),
    );
    const digest = `sha256:${compressed.hash.digest('hex')}`;
    await rename(tmp, blobPath(dir, digest));
    return {
      descriptor: { mediaType, digest, size: compressed.bytes },
      diffId: `sha256:${uncompressed.hash.digest('hex')}`,
    };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Pushes tag `tag` of the layout to `registryRef` (`HOST/REPO`, or `HOST/REPO:TAG` to push under another
 * tag) with skopeo, every platform included. Gzip layers and the manifests pass through unchanged,
 * so the registry holds exactly the digests `makeImageLayout` reported.
 */
export async function pushLayoutWithSkopeo(
  layoutDir: string,
  tag: string,
  registryRef: string,
  options: { destCreds?: string } = {},
): Promise<void> {
  const bare = registryRef.replace(/^docker:\/\//, '');
  const lastSegment = bare.slice(bare.lastIndexOf('/') + 1);
  const dest = lastSegment.includes(':') || lastSegment.includes('@') ? bare : `${bare}:${tag}`;
  await skopeoCopy(`oci:${layoutDir}:${tag}`, `docker://${dest}`, {
    all: true,
    destCreds: options.destCreds,
    extra: ['--preserve-digests'],
  });
}

/**
 * Pushes a built image to `REGISTRY_URL/v2/REPO` with plain HTTP requests: blobs (POST then PUT, streamed
 * from disk), manifests children first, then the root under `tag`. skopeo's `oci:` transport only finds
 * OCI media types in index.json, so Docker schema 2 images need this way in.
 */
export async function pushImageOverHttp(
  image: ImageLayout,
  registryUrl: string,
  repo: string,
  tag: string,
  options: { basicAuth?: { user: string; password: string } } = {},
): Promise<void> {
  const headers: Record<string, string> = {};
  if (options.basicAuth) {
    headers.Authorization = `Basic ${Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password}`).toString('base64')}`;
  }
  const fail = async (what: string, res: Response) => {
    throw new Error(`pushing ${what} to ${registryUrl}/${repo}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  };
  const manifestTypes = new Set([TYPES.oci.index, TYPES.oci.manifest, TYPES.docker.index, TYPES.docker.manifest]);
  for (const blob of image.blobs) {
    if (manifestTypes.has(blob.mediaType as never)) continue;
    const start = await fetch(`${registryUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
    if (start.status !== 202) await fail(blob.digest, start);
    await start.arrayBuffer();
    const location = new URL(start.headers.get('location') ?? '', `${registryUrl}/v2/${repo}/blobs/uploads/`);
    location.searchParams.set('digest', blob.digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) },
      body: Readable.toWeb(createReadStream(blobPath(image.dir, blob.digest))) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (put.status !== 201) await fail(blob.digest, put);
    await put.arrayBuffer();
  }
  const putManifest = async (d: TestDescriptor, ref: string) => {
    const res = await fetch(`${registryUrl}/v2/${repo}/manifests/${ref}`, {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': d.mediaType },
      body: await readFile(blobPath(image.dir, d.digest)),
    });
    if (res.status !== 201) await fail(d.digest, res);
    await res.arrayBuffer();
  };
  if (image.index) for (const m of image.manifests) await putManifest(m.descriptor, m.descriptor.digest);
  await putManifest(image.root, tag);
}
