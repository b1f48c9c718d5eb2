/** A tar block: headers are one, bodies are padded to whole ones. */
export const TAR_BLOCK = 512;
/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * TAR_BLOCK);

/** Octal size fields hold 11 digits; anything larger is written in GNU base-256. */
const MAX_OCTAL_SIZE = 0o77777777777;
const NAME_FIELD = 100;

/** The zero bytes after a body of `size` bytes, up to the next block. */
export function paddingFor(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

/**
 * The header of a regular file (mode 0644, owner 0:0): one ustar block, preceded by a pax
 * extended header carrying the name when the name does not fit the ustar field (a sha512 blob).
 * Its length plus the body and its padding is all an entry takes, so it can be reserved up front.
 */
export function fileHeader(name: string, size: number, mtime: Date): Buffer {
  const seconds = Math.floor(mtime.getTime() / 1000);
  if (Buffer.byteLength(name) <= NAME_FIELD) return ustarBlock(name, size, seconds, '0');
  const record = paxRecord('path', name);
  const paxName = `PaxHeaders/${name.slice(-(NAME_FIELD - 'PaxHeaders/'.length))}`;
  const body = Buffer.alloc(record.length + paddingFor(record.length));
  record.copy(body);
  return Buffer.concat([ustarBlock(paxName, record.length, seconds, 'x'), body, ustarBlock(name.slice(-NAME_FIELD), size, seconds, '0')]);
}

/** The whole entry for a small file: header, body, padding. */
export function fileEntry(name: string, content: Buffer | string, mtime: Date): Buffer {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  return Buffer.concat([fileHeader(name, body.length, mtime), body, Buffer.alloc(paddingFor(body.length))]);
}

function ustarBlock(name: string, size: number, mtime: number, typeflag: string): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  block.write(name, 0, NAME_FIELD, 'utf8');
  octal(block, 100, 8, 0o644);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  if (size <= MAX_OCTAL_SIZE) octal(block, 124, 12, size);
  else base256(block, 124, 12, size);
  octal(block, 136, 12, mtime);
  block.write(typeflag, 156, 1, 'latin1');
  block.write('ustar\0', 257, 6, 'latin1');
  block.write('00', 263, 2, 'latin1');
  octal(block, 329, 8, 0);
  octal(block, 337, 8, 0);
  // The checksum is summed with its own field read as eight spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

/** Zero-padded octal digits and a NUL, filling the field. */
function octal(block: Buffer, at: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, width, 'latin1');
}

function base256(block: Buffer, at: number, width: number, value: number): void {
  let rest = value;
  for (let i = at + width - 1; i > at; i--) {
    block[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  block[at] = 0x80;
}

/** `<length> <key>=<value>\n`, the length counting its own digits. */
function paxRecord(key: string, value: string): Buffer {
  const tail = ` ${key}=${value}\n`;
  const tailLength = Buffer.byteLength(tail);
  let length = tailLength + 1;
  while (String(length).length + tailLength !== length) length = String(length).length + tailLength;
  return Buffer.from(`${length}${tail}`, 'utf8');
}
