import { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/descriptor.js';
import { NotFoundError } from '../../oci/errors.js';
import type { MountOutcome, Resumable } from '../target.js';
import { deleteScope, pullScope, pushScope } from './auth.js';
import { during, type RegistryClient } from './client.js';
import { refuseOtherDigest } from './answered-digest.js';
import { RegistryError } from './errors.js';
import { backoffDelay, discard, dropBody, header, isTransient, transportError, type HttpResponse } from './http.js';
import { pause, throwIfAborted } from '../../cancel/index.js';
import { learnChunking, uploadLocation, uploadOnSession, type UploadMode } from './upload.js';

/** How far a download must have come since its last break for the next break to start its tries again. */
const PROGRESS_RESETS_TRIES_BYTES = 1024 * 1024;

/** One repository's blob endpoints. */
export class Blobs {
  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly mode: UploadMode,
  ) {}

  private get place(): string {
    return `${this.client.registry}/${this.repository}`;
  }

  private url(path: string): URL {
    return this.client.url(`/v2/${this.repository}/blobs/${path}`);
  }

  async exists(desc: Descriptor, signal?: AbortSignal): Promise<boolean> {
    return (await this.size(desc, signal)) !== undefined;
  }

  /** The size the registry stores for the blob (its HEAD's `Content-Length`), or undefined when it is not there. */
  async size(desc: Descriptor, signal?: AbortSignal): Promise<number | undefined> {
    const op = `checking blob ${desc.digest} in ${this.place}`;
    return during(op, async () => {
      const res = await this.client.send({ method: 'HEAD', url: this.url(desc.digest), signal }, [pullScope(this.repository)]);
      if (res.status !== 200 && res.status !== 404) return this.client.fail(res, op);
      await discard(res);
      if (res.status !== 200) return undefined;
      refuseOtherDigest(desc.digest, res, op);
      const length = Number(header(res, 'content-length'));
      // A registry that leaves the length out is taken at the manifest's word.
      return Number.isSafeInteger(length) && length >= 0 && header(res, 'content-length') !== undefined ? length : desc.size;
    });
  }

  /**
   * `DELETE` by digest: the repository's link to the blob goes (`deleted`); `absent` when it had
   * none; `refused` when the registry does not delete through its API (405, or a refusal).
   */
  async delete(desc: Descriptor, signal?: AbortSignal): Promise<'deleted' | 'absent' | 'refused'> {
    const op = `deleting blob ${desc.digest} from ${this.place}`;
    return during(op, async () => {
      const res = await this.client.send({ method: 'DELETE', url: this.url(desc.digest), retry: false, signal }, [
        deleteScope(this.repository),
      ]);
      await discard(res);
      if (res.status === 202 || res.status === 200 || res.status === 204) return 'deleted';
      if (res.status === 404) return 'absent';
      if (res.status === 405 || res.status === 403 || res.status === 401) return 'refused';
      return this.client.fail(res, op);
    });
  }

  /**
   * The blob's bytes. A download cut midway goes on with `Range: bytes=N-` when the registry answers
   * 206, and otherwise starts again, skipping what was already passed on. The caller verifies.
   */
  async fetch(desc: Descriptor, signal?: AbortSignal, from = 0): Promise<Readable> {
    const op = `fetching blob ${desc.digest} from ${this.place}`;
    const first = await during(op, () => this.get(desc, from, op, signal));
    const current: { res?: HttpResponse } = { res: first };
    const stream = Readable.from(this.download(desc, current, op, signal, from), { objectMode: false });
    // Destroying the stream ends the generator only once its await returns, and an answer that
    // stalls never returns: the answer being read is dropped first, so its connection goes at once.
    const destroy = stream._destroy.bind(stream);
    stream._destroy = (err, done) => {
      if (current.res) dropBody(current.res.body);
      destroy(err, done);
    };
    return stream;
  }

  private async get(desc: Descriptor, offset: number, op: string, signal?: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const res = await this.client.send({ method: 'GET', url: this.url(desc.digest), headers, signal }, [pullScope(this.repository)]);
    if (res.status === 200 || (offset > 0 && res.status === 206)) {
      try {
        refuseOtherDigest(desc.digest, res, op);
      } catch (err) {
        dropBody(res.body);
        throw err;
      }
      return res;
    }
    if (res.status === 404) {
      await discard(res);
      throw new NotFoundError(`blob ${desc.digest} is not in ${this.place}`);
    }
    return this.client.fail(res, op);
  }

  /** The blob's bytes from `current.res` on, asking again where it broke off; `current.res` is the answer being read. */
  private async *download(
    desc: Descriptor,
    current: { res?: HttpResponse },
    op: string,
    signal?: AbortSignal,
    from = 0,
  ): AsyncGenerator<Buffer> {
    const policy = this.client.http.retry;
    let offset = from;
    /** Where the answer being read starts: 0 for a whole answer (200), which is skipped up to `offset`. */
    let progressed = from;
    for (let failures = 0; ; ) {
      try {
        current.res ??= await during(op, () => this.get(desc, offset, op, signal));
        const res = current.res;
        let skip = res.status === 206 && rangeStart(res) === offset ? 0 : offset;
        // A break after real progress starts the tries again; one every few bytes still runs out of them.
        if (offset >= progressed + PROGRESS_RESETS_TRIES_BYTES) [failures, progressed] = [0, offset];
        if (res.status === 206 && skip) throw new RegistryError(`${op}: the registry answered a different range`);
        for await (const data of res.body) {
          let chunk = data as Buffer;
          if (skip) {
            const drop = Math.min(skip, chunk.length);
            skip -= drop;
            chunk = chunk.subarray(drop);
            if (!chunk.length) continue;
          }
          offset += chunk.length;
          yield chunk;
        }
        if (offset >= desc.size) return;
        throw new RegistryError(`${op}: the download ended after ${offset} of ${desc.size} bytes`, true);
      } catch (err) {
        // Cancelled (the copy failed elsewhere, or the client closed): no other try.
        throwIfAborted(signal);
        failures++;
        if (!isTransient(err) || failures >= policy.maxTries) {
          if (err instanceof RegistryError || !isTransient(err)) throw err;
          throw new RegistryError(`${op}: ${transportError(this.client.base, err, failures, this.client.http.timeouts).message}`, true);
        }
        await pause(backoffDelay(failures - 1, policy), signal);
      } finally {
        if (current.res) dropBody(current.res.body);
        current.res = undefined;
      }
    }
  }

  /** POST then PUT (distribution ignores a single-request `POST ?digest=`), or chunks when the registry wants them. */
  async push(desc: Descriptor, content: Readable, signal?: AbortSignal, resume?: Resumable): Promise<void> {
    const op = `pushing blob ${desc.digest} to ${this.place}`;
    const scopes = [pushScope(this.repository)];
    // The content may fail (a digest mismatch) while the session opens: keep that for the caller, not the process.
    content.on('error', () => {});
    try {
      await during(op, async () => {
        const res = await this.client.send({ method: 'POST', url: this.url('uploads/'), retry: true, signal }, scopes);
        if (res.status !== 202) return this.client.fail(res, op);
        learnChunking(res, this.mode);
        const session = uploadLocation(res, op, this.client.base);
        await discard(res);
        if (content.errored) throw content.errored;
        await uploadOnSession(this.client, session, desc, content, { scopes, mode: this.mode, operation: op, signal, resume });
      });
    } finally {
      if (!content.readableEnded) content.destroy();
    }
  }

  /** Asks the registry to link a blob from another repository; see `Mounter.mount`. */
  async mount(
    desc: Descriptor,
    from: string,
    getContent?: () => Promise<Readable>,
    signal?: AbortSignal,
    resume?: Resumable,
  ): Promise<MountOutcome> {
    const op = `pushing blob ${desc.digest} to ${this.place}`;
    const scopes = [pushScope(this.repository), pullScope(from)];
    const url = this.url('uploads/');
    url.searchParams.set('mount', desc.digest);
    url.searchParams.set('from', from);
    let session: URL;
    try {
      const res = await this.client.send({ method: 'POST', url, retry: true, signal }, scopes);
      if (res.status === 201) {
        const digest = header(res, 'docker-content-digest');
        await discard(res);
        return !digest || digest === desc.digest ? 'mounted' : 'refused';
      }
      if (res.status !== 202) {
        await discard(res);
        return 'refused';
      }
      learnChunking(res, this.mode);
      session = uploadLocation(res, op, this.client.base);
      await discard(res);
    } catch {
      return 'refused';
    }
    if (!getContent) {
      await this.abandon(session, scopes);
      return 'refused';
    }
    const content = await getContent();
    content.on('error', () => {});
    await during(op, () =>
      uploadOnSession(this.client, session, desc, content, { scopes, mode: this.mode, operation: op, signal, resume }),
    );
    return 'uploaded';
  }

  private async abandon(session: URL, scopes: string[]): Promise<void> {
    try {
      await discard(await this.client.send({ method: 'DELETE', url: session, retry: false }, scopes));
    } catch {
      // an abandoned session expires on its own
    }
  }
}

function rangeStart(res: HttpResponse): number | undefined {
  const m = /^bytes ([0-9]+)-/.exec(header(res, 'content-range') ?? '');
  return m ? Number(m[1]) : undefined;
}
