import { constants } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { ContentError, NotFoundError } from '../../oci/errors.js';
import { printable } from '../../oci/text.js';

/**
 * Reading the files of an OCI layout someone else wrote (an artifact, a bundle from another
 * network), where any name may be a FIFO, a device or a symbolic link to anywhere. Each file must be
 * a regular file inside the layout: a link is followed only when it stays inside, and a file is
 * opened without blocking (a FIFO opened for reading would otherwise wait forever for a writer),
 * then checked with fstat on what was opened.
 */
export class LayoutFiles {
  private realRoot?: Promise<string>;

  constructor(
    private readonly root: string,
    private readonly where: string,
  ) {}

  /** The layout's own directory with its links resolved, once. */
  private rootPath(): Promise<string> {
    this.realRoot ??= realpath(this.root);
    return this.realRoot;
  }

  /**
   * Opens `path` (`what` names it in errors: `blob sha256:…`, `index.json`) for reading. A missing
   * file is a NotFoundError; a link out of the layout or anything but a regular file is refused.
   */
  async open(path: string, what: string): Promise<{ handle: FileHandle; size: number }> {
    const real = await this.inside(path, what);
    let handle: FileHandle;
    try {
      handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (err) {
      throw this.openError(err, what);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new ContentError(`${what} in ${this.where} is ${fileKind(info)}, not a regular file: refusing it`);
      return { handle, size: info.size };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Reads a small file whole (an index, a manifest), refusing one over `limit` bytes before reading it. */
  async read(path: string, what: string, limit: number): Promise<Buffer> {
    const { handle, size } = await this.open(path, what);
    try {
      if (size > limit) throw new ContentError(`${what} in ${this.where} is ${size} bytes, over the ${limit}-byte limit`);
      // Read one byte more than allowed: a file that grew since fstat is refused too.
      const buffer = Buffer.alloc(size + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled > limit) throw new ContentError(`${what} in ${this.where} grew past the ${limit}-byte limit while being read`);
        if (filled === buffer.length) break;
      }
      if (filled > size) throw new ContentError(`${what} in ${this.where} changed while being read`);
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  /**
   * The size of a regular file inside the layout at `path`, or undefined when there is none there:
   * missing, not a regular file, or a link out of the layout (a destination writes it anew, and the
   * rename of the new file replaces the link itself, never what it points at).
   */
  async storedSize(path: string): Promise<number | undefined> {
    try {
      const real = await this.inside(path, 'file');
      const info = await stat(real);
      return info.isFile() ? info.size : undefined;
    } catch (err) {
      if (err instanceof ContentError || err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** Checks that `dir`, where a destination is about to write, is not a link out of the layout (missing is fine). */
  async checkWritable(dir: string, what: string): Promise<void> {
    try {
      await this.inside(dir, what);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }

  /** Where `path` really is, when that is inside the layout. */
  private async inside(path: string, what: string): Promise<string> {
    let real: string;
    try {
      real = await realpath(path);
    } catch (err) {
      throw this.openError(err, what);
    }
    const root = await this.rootPath();
    const rel = relative(root, real);
    if (rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith(sep)) {
      throw new ContentError(
        `${what} in ${this.where} is a symbolic link that leads out of the layout (to ${printable(real)}): refusing it`,
      );
    }
    return real;
  }

  private openError(err: unknown, what: string): unknown {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new NotFoundError(`${what} is not in ${this.where}`);
    if (code === 'ELOOP') return new ContentError(`${what} in ${this.where} is a symbolic link that loops: refusing it`);
    return err;
  }
}

function fileKind(info: {
  isFIFO(): boolean;
  isDirectory(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isDirectory()) return 'a directory';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a file';
}
