// A failed or cancelled copy ends at once: the engine's signal reaches every call it makes, and a
// target used after close() refuses at once instead of trying again.
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { linkSignals } from '../../src/cancel/index.js';
import { copy } from '../../src/api/copy.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { MediaType } from '../../src/oci/media-types.js';
import { HttpClient } from '../../src/targets/registry/http.js';
import { openRegistryRepository } from '../../src/targets/registry/repository.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { addBlob, addImage } from '../support/memory-images.js';

/** Resolves never, rejects with the signal's reason once it fires: an operation stuck on a registry. */
function hangUntil(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

describe('a copy that fails or is cancelled', () => {
  it('cancels the transfers still in flight with the first error, and fails at once', async () => {
    const src = new MemoryTarget('src');
    const [bad, stuck] = [addBlob(src, MediaType.OciLayerGzip, 100), addBlob(src, MediaType.OciLayerGzip, 100)];
    src.tagged.set('t', addImage(src, [bad, stuck]));
    const dst = new MemoryTarget('dst');
    const push = dst.push.bind(dst);
    let cancelled: unknown;
    dst.push = async (desc: Descriptor, content: Readable, signal?: AbortSignal) => {
      if (desc.digest === bad.digest) {
        await new Promise((r) => setTimeout(r, 20));
        content.destroy();
        throw new Error('403 Forbidden');
      }
      if (desc.digest === stuck.digest) {
        try {
          return await hangUntil(signal);
        } catch (err) {
          cancelled = err;
          content.destroy();
          throw err;
        }
      }
      return push(desc, content);
    };
    const started = Date.now();
    await assert.rejects(copy(src, { tags: ['t'] }, dst, { tags: ['t'] }), /pushing blob .*403 Forbidden/);
    assert.ok(Date.now() - started < 5000, 'no wait for the stuck push');
    assert.match(String((cancelled as Error)?.message), /403 Forbidden/, 'the stuck push was cancelled with the first error');
    assert.equal(dst.tagged.size, 0);
  });

  it("ends with the caller's reason when the caller cancels, and tags nothing", async () => {
    const src = new MemoryTarget('src');
    const layer = addBlob(src, MediaType.OciLayerGzip, 100);
    src.tagged.set('t', addImage(src, [layer]));
    const dst = new MemoryTarget('dst');
    const push = dst.push.bind(dst);
    const caller = new AbortController();
    dst.push = async (desc: Descriptor, content: Readable, signal?: AbortSignal) => {
      if (desc.digest !== layer.digest) return push(desc, content);
      setTimeout(() => caller.abort(new Error('interrupted')), 10);
      content.destroy();
      return hangUntil(signal);
    };
    await assert.rejects(copy(src, { tags: ['t'] }, dst, { tags: ['t'] }, { signal: caller.signal }), /interrupted/);
    assert.equal(dst.tagged.size, 0);
  });
});

describe('a registry target after close()', () => {
  it('fails at once with "… is closed", never trying the network', async () => {
    // Nothing listens on port 9: a client that tried would wait and retry.
    const repo = openRegistryRepository({ transport: 'registry', registry: '127.0.0.1:9', repository: 'app', tags: [] });
    await repo.close('success');
    const started = Date.now();
    for (const call of [
      () => repo.resolve('v1'),
      () => repo.exists({ mediaType: MediaType.OciLayerGzip, digest: `sha256:${'0'.repeat(64)}`, size: 1 }),
      () => repo.tags(),
    ]) {
      await assert.rejects(call(), /^CancelledError: \[registry\] 127\.0\.0\.1:9\/app is closed$/);
    }
    // A client that tried would wait 3.4 s between its five tries, for each call.
    assert.ok(Date.now() - started < 1000);
  });

  it('an HTTP client refuses to send once closed', async () => {
    const http = new HttpClient();
    await http.close();
    await assert.rejects(
      http.send({ method: 'GET', url: new URL('http://127.0.0.1:9/v2/') }),
      /the connection pool for 127\.0\.0\.1:9 is closed/,
    );
  });
});

describe('one long-lived signal linked to many requests', () => {
  it('raises no leak warning however many are in flight, and each link still fires', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const copyWide = new AbortController();
      const links = Array.from({ length: 40 }, () => linkSignals(copyWide.signal, undefined));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        warnings.map((w) => w.name),
        [],
      );
      copyWide.abort(new Error('first failure'));
      assert.ok(links.every((l) => l.signal.aborted && (l.signal.reason as Error).message === 'first failure'));
      for (const l of links) l.dispose();
    } finally {
      process.off('warning', onWarning);
    }
  });
});
