// Hostile layouts and archives, copied by the CLI to the honest registry: FIFOs, devices, links out
// of the layout, huge or endless index files, entries that climb out of the archive, forged names.
// Each case asserts the exit status, the one error line, bounded time and memory, clean output and
// no tag at the destination; a selection runs through the bundled action too.
import { execFileSync } from 'node:child_process';
import { mkdir, rename, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { sha } from '../support/blobs.js';
import { ContentStore, type Desc } from '../support/hostile-registry.js';
import {
  assertCase,
  assertActionCase,
  CASE_TIMEOUT_ENV,
  DST_CREDS,
  runActionMeasured,
  runCli,
  userPass,
  withWorld,
  type HostileCase,
  type HostileWorld,
} from '../support/hostile-world.js';
import { blobPath, makeImageLayout } from '../support/images.js';
import { writeTar, type TarEntry } from '../support/tar-builder.js';

let world: HostileWorld;
const FORGED = 'v1\n::add-mask::forged ##[stop-commands]tok \x1b[2J';

interface FileCase extends HostileCase {
  /** Builds the source in `dir`; returns the source reference (and a file for standard input). */
  source(dir: string): Promise<string | { ref: string; stdin: string }>;
  action?: boolean;
}

async function layout(dir: string) {
  return makeImageLayout(dir, { tag: 'v1', platforms: [{ architecture: 'amd64', layers: [{ size: 3000 }] }] });
}

/** The entries of a good OCI archive of one small image, in the order skopeo writes them. */
function archiveEntries(extra: { index?: string | Buffer; blobs?: TarEntry[] } = {}): TarEntry[] {
  const store = new ContentStore();
  const root = store.image(1, 1000);
  const entries: TarEntry[] = [{ name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }];
  for (const [digest, { bytes }] of store.content) entries.push({ name: `blobs/sha256/${digest.slice(7)}`, data: bytes });
  entries.push(...(extra.blobs ?? []));
  entries.push({ name: 'index.json', data: extra.index ?? indexOf(root) });
  return entries;
}

const indexOf = (root: Desc, tag = 'v1') =>
  JSON.stringify({ schemaVersion: 2, manifests: [{ ...root, annotations: { 'org.opencontainers.image.ref.name': tag } }] });

async function archive(dir: string, entries: TarEntry[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'a.tar');
  await writeTar(path, entries);
  return path;
}

const fifo = (path: string) => execFileSync('mkfifo', [path]);

const cases: FileCase[] = [
  // --- layouts ---
  {
    name: 'a layout whose layer is a FIFO',
    source: async (dir) => {
      const l = await layout(dir);
      const p = blobPath(dir, l.manifests[0].layers[0].digest);
      await unlink(p);
      fifo(p);
      return `oci:${dir}:v1`;
    },
    code: 1,
    line: /blob sha256:[0-9a-f]{64} in \[oci-layout\] .* is a named pipe \(FIFO\), not a regular file: refusing it$/,
    action: true,
  },
  {
    name: 'a layout whose index.json is a FIFO',
    source: async (dir) => {
      await layout(dir);
      await unlink(join(dir, 'index.json'));
      fifo(join(dir, 'index.json'));
      return `oci:${dir}:v1`;
    },
    code: 1,
    line: /index\.json in OCI layout .* is a named pipe \(FIFO\), not a regular file: refusing it$/,
  },
  {
    name: 'a layout whose index.json links to /dev/zero',
    source: async (dir) => {
      await layout(dir);
      await unlink(join(dir, 'index.json'));
      await symlink('/dev/zero', join(dir, 'index.json'));
      return `oci:${dir}:v1`;
    },
    code: 1,
    line: /index\.json in OCI layout .* is a symbolic link that leads out of the layout \(to \/dev\/zero\): refusing it$/,
    action: true,
  },
  {
    name: 'a layout whose index.json is 200 MB',
    source: async (dir) => {
      await layout(dir);
      await truncate(join(dir, 'index.json'), 200 * 1024 * 1024);
      return `oci:${dir}:v1`;
    },
    code: 1,
    line: /index\.json in OCI layout .* is 209715200 bytes, over the 4194304-byte limit$/,
  },
  {
    name: 'a layout whose oci-layout file links to /dev/null',
    source: async (dir) => {
      await layout(dir);
      await unlink(join(dir, 'oci-layout'));
      await symlink('/dev/null', join(dir, 'oci-layout'));
      return `oci:${dir}:v1`;
    },
    code: 1,
    line: /oci-layout in OCI layout .* is a symbolic link that leads out of the layout \(to \/dev\/null\)/,
  },
  {
    name: 'a layout whose layer links to a file outside it',
    source: async (dir) => {
      const l = await layout(dir);
      const p = blobPath(dir, l.manifests[0].layers[0].digest);
      await rename(p, `${dir}-secret`);
      await symlink(`${dir}-secret`, p);
      return `oci:${dir}:v1`;
    },
    code: 1,
    line: /blob sha256:[0-9a-f]{64} in \[oci-layout\] .* is a symbolic link that leads out of the layout \(to .*-secret\): refusing it$/,
  },
  {
    name: 'a layout whose layer links elsewhere inside it',
    source: async (dir) => {
      const l = await layout(dir);
      const p = blobPath(dir, l.manifests[0].layers[0].digest);
      await mkdir(join(dir, 'store'));
      await rename(p, join(dir, 'store', 'layer'));
      await symlink('../../store/layer', p);
      return `oci:${dir}:v1`;
    },
    code: 0,
  },
  {
    name: 'a layout whose layer is a directory',
    source: async (dir) => {
      const l = await layout(dir);
      const p = blobPath(dir, l.manifests[0].layers[0].digest);
      await unlink(p);
      await mkdir(p);
      return `oci:${dir}:v1`;
    },
    code: 1,
    line: /blob sha256:[0-9a-f]{64} in \[oci-layout\] .* is a directory, not a regular file: refusing it$/,
  },
  {
    name: 'a layout whose tags forge log lines, asked for a tag it lacks',
    source: async (dir) => {
      const l = await layout(dir);
      await writeFile(join(dir, 'index.json'), indexOf(l.root as Desc, FORGED));
      return `oci:${dir}:v2`;
    },
    code: 1,
    line: /tag "v2" is not in \[oci-layout\] .*: its tags are v1\\x0a::add-mask::forged #\\x23\[stop-commands\]tok \\x1b\[2J$/,
  },
  {
    name: 'a layout whose index.json lists an upper-case digest',
    source: async (dir) => {
      const l = await layout(dir);
      await writeFile(
        join(dir, 'index.json'),
        indexOf({ ...(l.root as Desc), digest: l.root.digest.toUpperCase().replace('SHA256', 'sha256') }),
      );
      return `oci:${dir}:v1`;
    },
    code: 1,
    line: /index\.json in OCI layout .* is malformed: manifests\[0\] has a digest "sha256:[0-9A-F]{64}" that is not sha256:<64 lower-case hex digits>$/,
  },
  {
    name: 'a layout path holding an escape sequence',
    source: async (dir) => {
      const weird = `${dir}-\x1b[2J-\u202e`;
      await layout(weird);
      return `oci:${weird}:v1`;
    },
    code: 0,
  },
  // --- archives ---
  {
    name: 'an archive with an entry that climbs out',
    source: async (dir) => `oci-archive:${await archive(dir, archiveEntries({ blobs: [{ name: '../../evil', data: 'x' }] }))}:v1`,
    code: 1,
    line: /has an entry that leaves the archive "\.\.\/\.\.\/evil": refusing the archive$/,
  },
  {
    name: 'an archive with an absolute entry',
    source: async (dir) => `oci-archive:${await archive(dir, archiveEntries({ blobs: [{ name: '/etc/cron.d/evil', data: 'x' }] }))}:v1`,
    code: 1,
    line: /has an entry with an absolute path "\/etc\/cron\.d\/evil": refusing the archive$/,
  },
  {
    name: 'an archive with a symbolic link entry',
    source: async (dir) =>
      `oci-archive:${await archive(dir, archiveEntries({ blobs: [{ name: 'blobs/sha256/link', type: '2', linkname: '/etc/shadow' }] }))}:v1`,
    code: 1,
    line: /has a link entry "blobs\/sha256\/link" -> "\/etc\/shadow" with an absolute target: refusing the archive$/,
  },
  {
    name: 'an archive with a FIFO entry',
    source: async (dir) => `oci-archive:${await archive(dir, archiveEntries({ blobs: [{ name: 'pipe', type: '6' }] }))}:v1`,
    code: 1,
    line: /has a fifo entry "pipe": refusing the archive$/,
  },
  {
    name: 'an archive with a device entry',
    source: async (dir) => `oci-archive:${await archive(dir, archiveEntries({ blobs: [{ name: 'zero', type: '3' }] }))}:v1`,
    code: 1,
    line: /has a character-device entry "zero": refusing the archive$/,
  },
  {
    name: 'an archive entry name that forges log lines',
    source: async (dir) =>
      `oci-archive:${await archive(dir, archiveEntries({ blobs: [{ name: `blobs/sha256/x\n::error::forged\x1b[2J`, data: 'x' }] }))}:v1`,
    code: 1,
    line: /has an entry "blobs\/sha256\/x\\x0a::error::forged\\x1b\[2J" under blobs\/ that is not named blobs\/<algorithm>\/<hex>: refusing the archive$/,
  },
  {
    name: 'an archive whose index.json is 5 MiB',
    source: async (dir) => `oci-archive:${await archive(dir, archiveEntries({ index: Buffer.alloc(5 * 1024 * 1024, 32) }))}:v1`,
    code: 1,
    line: /index\.json in .* is 5242880 bytes, over the limit of 4194304$/,
  },
  {
    name: 'an archive whose index.json nests two million deep',
    source: async (dir) =>
      `oci-archive:${await archive(dir, archiveEntries({ index: `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}` }))}:v1`,
    code: 1,
    line: /index\.json in .* is not a manifest: its JSON nests more than 64 levels deep$/,
  },
  {
    name: 'an archive file holding a blob that does not match its name, which the image never reads',
    source: async (dir) =>
      `oci-archive:${await archive(dir, archiveEntries({ blobs: [{ name: `blobs/sha256/${sha('other').slice(7)}`, data: 'not other' }] }))}:v1`,
    code: 0,
  },
  {
    name: 'the same archive from standard input',
    source: async (dir) => ({
      ref: 'oci-archive:-:v1',
      stdin: await archive(dir, archiveEntries({ blobs: [{ name: `blobs/sha256/${sha('other').slice(7)}`, data: 'not other' }] })),
    }),
    code: 1,
    line: /\[oci-archive\] -: entry "blobs\/sha256\/[0-9a-f]{64}" does not hold the blob its name promises \(digest mismatch: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}\)$/,
  },
  {
    name: 'a gzip-compressed archive',
    source: async (dir) => {
      const path = await archive(dir, archiveEntries());
      const { readFile } = await import('node:fs/promises');
      await writeFile(`${path}.gz`, gzipSync(await readFile(path)));
      return `oci-archive:${path}.gz:v1`;
    },
    code: 1,
    line: /is gzip-compressed: decompress it first \(gunzip\), an OCI archive is a plain tar$/,
  },
  {
    name: 'a truncated archive from standard input',
    source: async (dir) => {
      const path = await archive(dir, archiveEntries());
      await truncate(path, 1500);
      return { ref: 'oci-archive:-:v1', stdin: path };
    },
    code: 1,
    line: /\[oci-archive\] - is truncated or not a tar archive/,
  },
  {
    name: 'an archive of 40,000 tiny blobs from standard input: memory stays flat',
    source: async (dir) => {
      const base = archiveEntries();
      const index = base.pop()!;
      await mkdir(dir, { recursive: true });
      const path = join(dir, 'many.tar');
      await writeTar(
        path,
        (function* () {
          yield* base;
          for (let i = 0; i < 40_000; i++) {
            const data = `blob ${i}`;
            yield { name: `blobs/sha256/${sha(data).slice(7)}`, data };
          }
          yield index;
        })(),
      );
      return { ref: 'oci-archive:-:v1', stdin: path };
    },
    code: 0,
    // About 7 KB a blob were kept before (340 MB in all here); now a few hundred bytes are, and the
    // peak is the runtime's (about 130 MB on Node 20, 190 on Node 24, whose young generation is larger).
    maxRssMiB: 250,
    maxMs: 40_000,
  },
];

describe('hostile layouts and archives', { concurrency: 4, timeout: 180_000 }, () => {
  withWorld((w) => (world = w));

  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const dir = join(world.work, `f${i}`);
      const source = await c.source(dir);
      const ref = typeof source === 'string' ? source : source.ref;
      const dst = `d/f${i}`;
      const run = await runCli(
        world,
        [ref, `${world.front.host}/${dst}:v1`, '--dest-creds', userPass(DST_CREDS), '--no-blob-cache'],
        CASE_TIMEOUT_ENV,
        typeof source === 'string' ? undefined : source.stdin,
      );
      await assertCase(world, c, run, { repo: dst, tag: 'v1' });
    });
  }

  for (const [i, c] of cases.entries()) {
    if (!c.action) continue;
    it(`${c.name}, as the bundled action`, async () => {
      const dir = join(world.work, `fa${i}`);
      const ref = (await c.source(dir)) as string;
      const dst = `d/fa${i}`;
      const run = await runActionMeasured(world, {
        source: ref,
        destination: `${world.front.host}/${dst}:v1`,
        'destination-username': DST_CREDS.user,
        'destination-password': DST_CREDS.password,
        'blob-cache': 'false',
      });
      await assertActionCase(world, c, run, { repo: dst, tag: 'v1' });
    });
  }
});
