// Writes tar archives entry by entry with nothing but Buffer and fs, so tests can build archives
// (huge, malformed or hostile ones) without trusting the code under test.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface TarEntry {
  name: string;
  data?: Buffer | string;
  /** `0` a file (default), `2` a symbolic link, `5` a directory, `6` a FIFO, `3` a character device. */
  type?: '0' | '2' | '3' | '5' | '6';
  linkname?: string;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block; names over 100 bytes go in the prefix field. */
export function tarHeader(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(512, 0);
  let name = entry.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/');
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  block.write(name, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 8, 'latin1');
  block.write(octal(0, 8), 108, 8, 'latin1');
  block.write(octal(0, 8), 116, 8, 'latin1');
  block.write(octal(size, 12), 124, 12, 'latin1');
  block.write(octal(0, 12), 136, 12, 'latin1');
  block.fill(' ', 148, 156);
  block.write(entry.type ?? '0', 156, 1, 'latin1');
  if (entry.linkname) block.write(entry.linkname, 157, 100, 'utf8');
  block.write('ustar\x0000', 257, 8, 'latin1');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

/** Writes `entries` (any iterable, so a generator of millions is fine) to `path` as a tar archive. */
export async function writeTar(path: string, entries: Iterable<TarEntry>): Promise<void> {
  const out = createWriteStream(path);
  const write = async (buf: Buffer) => {
    if (!out.write(buf)) await once(out, 'drain');
  };
  for (const entry of entries) {
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
    const size = entry.type && entry.type !== '0' ? 0 : data.length;
    await write(tarHeader(entry, size));
    if (size) {
      await write(data);
      if (size % 512) await write(Buffer.alloc(512 - (size % 512)));
    }
  }
  await write(Buffer.alloc(1024));
  out.end();
  await once(out, 'close');
}
