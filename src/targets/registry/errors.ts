import { STATUS_CODES } from 'node:http';
import { OperationError } from '../../oci/errors.js';
import { printable } from '../../oci/text.js';
import { parseBoundedJson } from '../../oci/json.js';

/**
 * A registry failure. `retryable` says whether doing the whole operation again (with the content
 * reopened) may succeed: a cut connection, a timeout, 408, 429, 5xx, an upload session lost midway.
 * `status` and `code` (the registry's JSON error code, e.g. MANIFEST_BLOB_UNKNOWN) let callers react.
 * `retryAfterMs` is how long to wait before that: the registry's `Retry-After`, or the client's backoff.
 */
export class RegistryError extends OperationError {
  override name = 'RegistryError';
  constructor(
    message: string,
    readonly retryable = false,
    readonly status?: number,
    readonly code?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** An answer whose body broke off (cut, truncated or stalled) after its headers arrived. */
export class BrokenAnswerError extends RegistryError {
  override name = 'BrokenAnswerError';
}

export { isRetryable } from '../../oci/errors.js';

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** `503 Service Unavailable`. */
export function statusLine(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : String(status);
}

interface ErrorBody {
  errors?: { code?: unknown; message?: unknown }[];
}

/**
 * The registry's first error code and message from a JSON error body, shortened to one line. The
 * `code` is for matching (`MANIFEST_BLOB_UNKNOWN`); `text` is for a line: white space runs become one
 * space and the rest is made printable, so a registry's message cannot forge log lines or reach the
 * terminal.
 */
export function registryErrorDetail(body: string): { code?: string; text?: string } {
  let parsed: ErrorBody;
  try {
    parsed = parseBoundedJson(body) as ErrorBody;
  } catch {
    return {};
  }
  const first = Array.isArray(parsed?.errors) ? parsed.errors[0] : undefined;
  if (!first) return {};
  const code = typeof first.code === 'string' ? first.code.slice(0, 64) : undefined;
  const message = typeof first.message === 'string' ? first.message.replace(/\s+/g, ' ').trim() : undefined;
  const text = [code, message].filter(Boolean).join(': ');
  return { code, text: text ? printable(text, 200) : undefined };
}
