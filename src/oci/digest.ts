import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ContentError, InputError } from './errors.js';
import { quoted } from './text.js';

/** `algorithm:encoded`, e.g. `sha256:4f1c…`. */
export type Digest = string;

const ALGORITHMS: Record<string, { hash: string; hex: number }> = {
  sha256: { hash: 'sha256', hex: 64 },
  sha512: { hash: 'sha512', hex: 128 },
};

const DIGEST_RE = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

export function parseDigest(value: string): { algorithm: string; hex: string } {
  const m = DIGEST_RE.exec(value);
  const alg = m && ALGORITHMS[m[1]];
  if (!m || !alg || m[2].length !== alg.hex || !/^[a-f0-9]+$/.test(m[2])) {
    throw new InputError(`invalid digest ${quoted(value)}: expected sha256:<64 hex> or sha512:<128 hex>`);
  }
  return { algorithm: m[1], hex: m[2] };
}

/**
 * Why `value` is not a digest this code can verify, or undefined when it is one: the OCI grammar,
 * a registered algorithm (sha256, sha512), and its encoding as lower-case hex of the right length.
 * For values from outside (a manifest, a registry's header), where a wrong one is the sender's fault.
 */
export function digestProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'is not a string';
  const m = DIGEST_RE.exec(value);
  if (!m) return 'is not of the form <algorithm>:<encoded>';
  const alg = ALGORITHMS[m[1]];
  if (!alg) return `uses the algorithm ${quoted(m[1], 32)}, which is not sha256 or sha512`;
  if (m[2].length !== alg.hex || !/^[a-f0-9]+$/.test(m[2])) return `is not ${m[1]}:<${alg.hex} lower-case hex digits>`;
  return undefined;
}

/** Asked of every tag and reference on the hot path: answers without building an error. */
export function isDigest(value: string): boolean {
  return digestProblem(value) === undefined;
}

/**
 * Whether `answered` (a registry's `Docker-Content-Digest`, say) names other content than the
 * `requested` digest. Only a valid digest of the same algorithm can be compared; one in another
 * algorithm names the content no differently as far as can be told, and the bytes are checked
 * against `requested` when they are read. What is not a digest at all is another fault, judged where it is read.
 */
export function namesOtherContent(requested: Digest, answered: string | undefined): answered is string {
  if (answered === undefined || answered === requested || !isDigest(answered) || !isDigest(requested)) return false;
  return parseDigest(answered).algorithm === parseDigest(requested).algorithm;
}

export function digestOf(data: Uint8Array | string, algorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(ALGORITHMS[algorithm].hash).update(data).digest('hex')}`;
}

export function newHasher(digest: Digest): Hash {
  return createHash(ALGORITHMS[parseDigest(digest).algorithm].hash);
}

/** Checks a whole buffer (a manifest) against what its descriptor promised. */
export function verifyBytes(data: Uint8Array, expected: { digest: Digest; size: number }): void {
  if (data.byteLength !== expected.size) {
    throw new ContentError(`size mismatch for ${expected.digest}: expected ${expected.size} bytes, got ${data.byteLength}`);
  }
  const actual = digestOf(data, parseDigest(expected.digest).algorithm);
  if (actual !== expected.digest) {
    throw new ContentError(`digest mismatch: expected ${expected.digest}, got ${actual}`);
  }
}

/**
 * A pass-through stream that hashes and counts what flows through it and fails, instead of ending,
 * when the total does not match the descriptor. A consumer therefore never sees a clean end of
 * content that is wrong, and a writer that commits only on end commits only verified bytes.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private seen = 0;
  private checked = false;
  private readonly keptChunks: Buffer[] | undefined;

  /**
   * `keep`: a size up to which the content's bytes are also kept, so a small document (an image
   * config) that is copied anyway need not be fetched again to be read.
   */
  constructor(
    private readonly expected: { digest: Digest; size: number },
    private readonly onBytes?: (total: number) => void,
    keep = 0,
  ) {
    super();
    this.hash = newHasher(expected.digest);
    this.keptChunks = expected.size <= keep ? [] : undefined;
  }

  get bytes(): number {
    return this.seen;
  }

  /** The kept bytes, once all of them have passed and matched the digest; else undefined. */
  get kept(): Buffer | undefined {
    return this.checked && this.keptChunks ? Buffer.concat(this.keptChunks) : undefined;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.expected.size) {
      done(new ContentError(`size mismatch for ${this.expected.digest}: more than the expected ${this.expected.size} bytes`));
      return;
    }
    this.hash.update(chunk);
    this.keptChunks?.push(chunk);
    this.onBytes?.(this.seen);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.seen !== this.expected.size) {
      done(new ContentError(`size mismatch for ${this.expected.digest}: expected ${this.expected.size} bytes, got ${this.seen}`));
      return;
    }
    const actual = `${parseDigest(this.expected.digest).algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      done(new ContentError(`digest mismatch: expected ${this.expected.digest}, got ${actual}`));
      return;
    }
    this.checked = true;
    done();
  }
}
