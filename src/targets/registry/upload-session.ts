import type { RegistryClient } from './client.js';
import { RegistryError } from './errors.js';
import { discard, header } from './http.js';

/**
 * An open upload session: its current URL (each answer hands the next, with distribution's
 * `_state`), the bytes the registry acknowledged, and how to ask the registry where it stands.
 */
export class UploadSession {
  /** Bytes the registry acknowledged (a PATCH answered 202, or the offset it told). */
  acked = 0;

  constructor(
    private readonly client: RegistryClient,
    public url: URL,
    private readonly scopes: string[],
    private readonly operation: string,
  ) {}

  /**
   * How many bytes the registry holds: `GET <upload URL>` answers 204 with `Range: 0-<last byte>`
   * (distribution spec, "Resuming an upload"). `0-0` says both "nothing" and "one byte": it is read
   * as what was acknowledged before, 0 or 1. A session the registry forgot (404, distribution's
   * BLOB_UPLOAD_UNKNOWN or BLOB_UPLOAD_INVALID) is `gone`.
   */
  async offset(signal?: AbortSignal): Promise<number | 'gone'> {
    const res = await this.client.send({ method: 'GET', url: this.url, signal }, this.scopes);
    if (res.status === 404) {
      await discard(res);
      return 'gone';
    }
    if (res.status !== 204 && res.status !== 202)
      return this.client.fail(res, `${this.operation} (asking the upload session where it stands)`);
    await discard(res);
    const range = /^(?:bytes=)?0-([0-9]{1,16})$/.exec((header(res, 'range') ?? '').trim());
    if (!range) return 0;
    const last = Number(range[1]);
    if (last === 0) return this.acked >= 1 ? 1 : 0;
    return last + 1;
  }
}

/** The failure an upload may go on after, and the words for it; undefined for one it must not (bad content, a refusal). */
export function resumableFailure(err: unknown): string | undefined {
  if (err instanceof RegistryError) {
    if (err.status === 413) return 'a front refused a request body as too large (413)';
    if (err.status === 401) return 'the token expired (401)';
    if (!err.retryable) return undefined;
    return err.status ? `the registry answered ${err.status}` : 'the connection was lost';
  }
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && (code.startsWith('UND_ERR_') || code.startsWith('E'))) {
    if (code === 'UND_ERR_ABORTED' || code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') return undefined;
    return code.includes('TIMEOUT') ? 'the registry stopped answering' : 'the connection was lost';
  }
  return undefined;
}
