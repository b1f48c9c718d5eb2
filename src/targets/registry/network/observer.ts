import { printable } from '../../../oci/text.js';

/**
 * What the HTTP client tells an observer: every request it sent with its answer (or failure), and
 * every wait before a retry. `--debug` prints them; progress shows the retries.
 */
export type HttpEvent =
  | {
      type: 'response';
      method: string;
      url: URL;
      status: number;
      ms: number;
      /** The authorization scheme sent (`Bearer`, `Basic`), never the credential. */
      auth?: string;
    }
  | { type: 'failure'; method: string; url: URL; error: string; ms: number; auth?: string }
  | {
      type: 'retry';
      method: string;
      url: URL;
      /** The try that is about to start (2 for the first retry). */
      attempt: number;
      maxTries: number;
      delayMs: number;
      /** `503 Service Unavailable`, `ECONNRESET`: why. */
      reason: string;
    }
  /** Something the client decided about how to reach a registry, as a whole line. */
  | { type: 'note'; url: URL; text: string };

export type HttpObserver = (event: HttpEvent) => void;

/** Query parameters whose values say nothing secret; all others (`_state`, signatures, tokens) are hidden. */
const SHOWN_PARAMS = new Set(['digest', 'mount', 'from', 'n', 'last', 'service', 'scope', 'artifactType']);

/** The URL as a log line may show it: no user or password, secret-looking query values hidden. */
export function redactedUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  const params = [...copy.searchParams].map(([key, value]): [string, string] => [key, SHOWN_PARAMS.has(key) ? value : 'REDACTED']);
  copy.search = new URLSearchParams(params).toString();
  return printable(copy.href);
}

/** One line per event: `GET https://ghcr.io/v2/acme/app/manifests/1.2 (Bearer) → 200 in 84 ms`. */
export function httpEventLine(event: HttpEvent): string {
  if (event.type === 'note') return printable(event.text);
  const what = `${event.method} ${redactedUrl(event.url)}`;
  if (event.type === 'retry') {
    return `${what}: ${printable(event.reason)}, retrying (${event.attempt}/${event.maxTries}) in ${event.delayMs} ms`;
  }
  const auth = event.auth ? ` (${event.auth})` : '';
  if (event.type === 'failure') return `${what}${auth} → ${printable(event.error)} after ${event.ms} ms`;
  return `${what}${auth} → ${event.status} in ${event.ms} ms`;
}

/** `Bearer` from `Bearer eyJ…`: all a log may know of an authorization header. */
export function authScheme(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const scheme = /^([A-Za-z][A-Za-z0-9-]*)\s/.exec(authorization)?.[1];
  return scheme ? `${scheme} REDACTED` : 'REDACTED';
}
