/**
 * Errors that reach a user. Every message is one line that names the thing at fault and, where
 * there is one, what to do about it. `CopyError` carries which side failed and in which operation.
 */
export class OciCopyError extends Error {
  override name = 'OciCopyError';
}

/** Bad input: a reference, an option, a file the user pointed at. Raised before any network traffic. */
export class InputError extends OciCopyError {
  override name = 'InputError';
}

/** Content that does not match its descriptor (digest or size), or that is malformed. */
export class ContentError extends OciCopyError {
  override name = 'ContentError';
}

/** Something asked for is not there: a tag, a blob, a manifest. */
export class NotFoundError extends OciCopyError {
  override name = 'NotFoundError';
}

/**
 * Work that was stopped rather than failed: a target used after `close()` (`… is closed`), or an
 * operation cancelled because the copy it belonged to failed or was told to stop. Never retried.
 */
export class CancelledError extends OciCopyError {
  override name = 'CancelledError';
}

/** A failure whose message already names the operation and the place (`pushing blob … to HOST/REPO: 503`). */
export class OperationError extends OciCopyError {
  override name = 'OperationError';
}

/**
 * An answer to a request by digest that names other content: a registry's `Docker-Content-Digest`,
 * the digest of the bytes it sent, an index entry, a referrer's subject. A digest pins what it names,
 * so no answer may swap it; the message names the place, the digest asked for and the one answered.
 */
export class DigestMismatchError extends OperationError {
  override name = 'DigestMismatchError';
  constructor(
    message: string,
    /** the digest the user or the graph fixed */
    readonly requested: string,
    /** the other digest the answer named */
    readonly answered: string,
  ) {
    super(message);
  }
}

/**
 * A destination tag that already names another digest, left as it is because the copy was told
 * not to move tags (`noClobber`). No retry cures it: the tag must be removed, or the copy allowed to move it.
 */
export class TagConflictError extends OciCopyError {
  override name = 'TagConflictError';
  constructor(
    message: string,
    readonly reference: string,
    /** what the tag names now */
    readonly current: string,
    /** what the copy would have pointed it at */
    readonly wanted: string,
  ) {
    super(message);
  }
}

/**
 * A target that does not allow removing tags at all (a registry that refuses deletes through its
 * API: 405 UNSUPPORTED, GHCR, Docker Hub; credentials without delete rights). Said once per
 * destination; nothing else of the run is affected.
 */
export class TagRemovalRefusedError extends OperationError {
  override name = 'TagRemovalRefusedError';
  constructor(
    message: string,
    /** `[registry] host/repo`, as the target names itself. */
    readonly place: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export type Side = 'source' | 'destination';

/** Wraps a failure with where it happened: `pushing blob sha256:… to HOST/REPO: 503 after 5 tries`. */
export class CopyError extends OciCopyError {
  override name = 'CopyError';
  constructor(
    readonly side: Side,
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof OperationError ? cause.message : `${operation}: ${messageOf(cause)}`);
  }
}

/** The one-line message of anything thrown, never a stack trace. */
export function messageOf(err: unknown): string {
  try {
    return messageText(err);
  } catch {
    // A message that is not text, or a getter that throws: the error's name at least.
    return err instanceof Error ? safeName(err) : 'an error that cannot be shown';
  }
}

function safeName(err: Error): string {
  try {
    return typeof err.name === 'string' && err.name ? err.name : 'Error';
  } catch {
    return 'Error';
  }
}

function messageText(err: unknown): string {
  if (err instanceof Error) {
    const msg = typeof err.message === 'string' && err.message ? err.message : String(err.name);
    // Node's network errors carry the useful part in `cause` (undici: "fetch failed" → ECONNREFUSED).
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error && typeof cause.message === 'string' && cause.message && !msg.includes(cause.message)) {
      return oneLine(`${msg}: ${cause.message}`);
    }
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && !msg.includes(code)) return oneLine(`${msg} (${code})`);
    return oneLine(msg);
  }
  if (typeof err === 'string') return oneLine(err);
  try {
    return oneLine(JSON.stringify(err) ?? String(err));
  } catch {
    return String(err);
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * A failure worth another try with fresh content (a connection cut mid-upload, a 503 after the
 * transport's own retries could not replay a streamed body). Targets mark such errors
 * `retryable = true`; the copy engine then reopens the source and pushes again.
 */
export function isRetryable(err: unknown): boolean {
  return (err as { retryable?: unknown })?.retryable === true;
}

/** The registry error code an error carries (`MANIFEST_BLOB_UNKNOWN`, `DIGEST_INVALID`), if any. */
export function registryErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}
