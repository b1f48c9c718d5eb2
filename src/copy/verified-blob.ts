import type { Hash } from 'node:crypto';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import type { Descriptor } from '../oci/descriptor.js';
import { newHasher, parseDigest } from '../oci/digest.js';
import { ContentError } from '../oci/errors.js';
import { isRangeReader, type ReadOnlyTarget, type Resumable } from '../targets/target.js';

/**
 * A blob's bytes from the source, verified across the pieces one upload may take: the first from
 * byte 0, and another from an offset each time the destination's upload broke off and goes on
 * where the registry has it (`from`). One hash runs over the blob in order: a piece that starts
 * below what was hashed already passes those bytes on without hashing them again (the registry
 * checks the whole blob against its digest when the upload closes), and the piece that reaches the
 * end checks size and digest, erring rather than ending when they are wrong. Memory stays that of
 * one hash, whatever the size.
 *
 * A piece the destination stopped reading (it failed, or went on from another offset) closes its
 * download quietly: that download's early end is never the source's failure.
 */
export class VerifiedBlob implements Resumable {
  private readonly hash: Hash;
  /** Bytes [0, hashed) are in the hash. */
  private hashed = 0;
  private checked = false;
  /** Every byte handed to the destination, over every piece: beyond the size, sent again. */
  delivered = 0;
  private failure: unknown;
  private readonly keptChunks: Buffer[] | undefined;
  private keptBytes = 0;
  /** The piece from byte 0, started at once (its fetch overlaps the destination opening its upload). */
  readonly stream: Readable;

  constructor(
    private readonly desc: Descriptor,
    private readonly src: ReadOnlyTarget,
    private readonly signal: AbortSignal,
    private readonly onBytes: (total: number) => void,
    keep: number,
    private readonly onResume?: (info: { offset: number; resent: number; reason: string }) => void,
  ) {
    this.hash = newHasher(desc.digest);
    this.keptChunks = desc.size <= keep ? [] : undefined;
    this.stream = this.piece(0);
  }

  /** The error the source gave (a cut download, bytes that do not match), if it failed. */
  sourceFailure(): unknown {
    return this.failure;
  }

  /** The config's bytes, once all of them passed and matched the digest (see the `config` event). */
  get kept(): Buffer | undefined {
    return this.checked && this.keptChunks && this.keptBytes === this.desc.size ? Buffer.concat(this.keptChunks) : undefined;
  }

  /** Bytes handed to the destination more than once, so far. */
  get resent(): number {
    return Math.max(0, this.delivered - this.furthest);
  }

  private furthest = 0;

  async from(offset: number): Promise<Readable> {
    return this.piece(offset);
  }

  resumed(info: { offset: number; resent: number; reason: string }): void {
    this.onResume?.(info);
  }

  private piece(offset: number): Readable {
    const piece = new Piece(this, offset);
    // Its errors are told by `sourceFailure` and by the destination's own failure; none may end the process.
    piece.on('error', () => {});
    this.open(offset).then(
      (fetched) => {
        fetched.once('error', (err) => {
          // A piece the destination gave up destroyed its download: not the source's failure.
          if (!piece.destroyed || piece.failedAtSource) this.sourceFailed(err);
        });
        // Node 24's pipeline throws, rather than reports, when its destination is already destroyed.
        if (piece.destroyed) {
          fetched.destroy();
          return;
        }
        pipeline(fetched, piece, () => {});
      },
      (err) => {
        if (piece.destroyed) return;
        this.sourceFailed(err);
        piece.failedAtSource = true;
        piece.destroy(err);
      },
    );
    return piece;
  }

  /** The source from `offset`: a range where it reads one, else read again from the start with the first bytes skipped. */
  private async open(offset: number): Promise<Readable> {
    if (offset === 0) return this.src.fetch(this.desc, this.signal);
    if (isRangeReader(this.src)) return this.src.fetchFrom(this.desc, offset, this.signal);
    return skipped(await this.src.fetch(this.desc, this.signal), offset);
  }

  sourceFailed(err: unknown): void {
    this.failure ??= err;
  }

  /** Takes bytes [at, at + chunk.length) of a piece: hashes what is new, counts what is handed on. */
  take(at: number, chunk: Buffer): ContentError | undefined {
    const end = at + chunk.length;
    if (end > this.desc.size)
      return new ContentError(`size mismatch for ${this.desc.digest}: more than the expected ${this.desc.size} bytes`);
    if (end > this.hashed) {
      const fresh = chunk.subarray(Math.max(0, this.hashed - at));
      this.hash.update(fresh);
      if (this.keptChunks) {
        this.keptChunks.push(fresh);
        this.keptBytes += fresh.length;
      }
      this.hashed = end;
      this.onBytes(end);
    }
    this.delivered += chunk.length;
    this.furthest = Math.max(this.furthest, end);
    return undefined;
  }

  /** At a piece's end, `at`: the whole blob passed, and the digest is checked once. */
  finish(at: number): ContentError | undefined {
    if (at !== this.desc.size) {
      return new ContentError(`size mismatch for ${this.desc.digest}: expected ${this.desc.size} bytes, got ${at}`);
    }
    if (this.checked) return undefined;
    const actual = `${parseDigest(this.desc.digest).algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.desc.digest) return new ContentError(`digest mismatch: expected ${this.desc.digest}, got ${actual}`);
    this.checked = true;
    return undefined;
  }
}

/** One piece of a verified blob, from `at` on. */
class Piece extends Transform {
  failedAtSource = false;

  constructor(
    private readonly blob: VerifiedBlob,
    private at: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const wrong = this.blob.take(this.at, chunk);
    if (wrong) {
      this.failAtSource(wrong, done);
      return;
    }
    this.at += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const wrong = this.blob.finish(this.at);
    if (wrong) {
      this.failAtSource(wrong, done);
      return;
    }
    done();
  }

  private failAtSource(err: ContentError, done: TransformCallback): void {
    this.failedAtSource = true;
    this.blob.sourceFailed(err);
    done(err);
  }
}

/** `content` without its first `skip` bytes. */
function skipped(content: Readable, skip: number): Readable {
  let left = skip;
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (left >= chunk.length) {
        left -= chunk.length;
        done();
        return;
      }
      const rest = left ? chunk.subarray(left) : chunk;
      left = 0;
      done(null, rest);
    },
  });
  content.once('error', (err) => out.destroy(err));
  out.once('close', () => content.destroy());
  return content.pipe(out);
}
