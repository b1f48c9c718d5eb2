import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { Console } from '../../src/cli/console.js';
import { TerminalProgress } from '../../src/cli/progress.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { VERSION } from '../../src/version.js';

const MiB = 1024 * 1024;
const layer = (n: number, size: number): Descriptor => ({
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size,
});

describe('the terminal status line', () => {
  it('counts a whole sync across the images copying side by side, never backwards, with rate, time left and a retry note', () => {
    let now = 0;
    const written: string[] = [];
    const progress = new TerminalProgress(new Console({ isTTY: true, columns: 200, write: (t) => written.push(t) }), () => now);
    const a = layer(1, 100 * MiB);
    const b = layer(2, 50 * MiB);
    const first = progress.listener(0);
    const second = progress.listener(1);
    first({ type: 'started', node: a });
    assert.equal(progress.line(), 'Copying 0 B of 100.0 MiB (0%) · 1 in flight');
    now = 1000;
    first({ type: 'progress', node: a, bytes: 20 * MiB });
    first({ type: 'progress', node: a, bytes: 10 * MiB }); // a retry starts the blob again: no step back
    second({ type: 'started', node: a }); // the same blob to another destination is other bytes
    assert.match(progress.line(), /^Copying 20\.0 MiB of 200\.0 MiB \(10%\) · 20\.0 MiB\/s · 9 s left · 2 in flight$/);
    progress.onHttp({
      type: 'retry',
      method: 'GET',
      url: new URL('http://r/v2/a/blobs/x'),
      attempt: 2,
      maxTries: 5,
      delayMs: 250,
      reason: '503 Service Unavailable',
    });
    assert.ok(progress.line().endsWith(' · retrying (2/5): 503 Service Unavailable'));
    progress.onHttp({ type: 'response', method: 'GET', url: new URL('http://r/v2/a/blobs/x'), status: 200, ms: 3 });
    assert.ok(!progress.line().includes('retrying'));
    now = 2000;
    first({ type: 'done', node: a, action: 'copied', bytes: a.size });
    second({ type: 'started', node: b });
    second({ type: 'done', node: b, action: 'mounted', from: 'x', bytes: 0 });
    assert.match(progress.line(), /^Copying 100\.0 MiB of 250\.0 MiB \(40%\) · 50\.0 MiB\/s · 3 s left · 1 in flight$/);
  });

  it('counts the destinations of one image one at a time, each from nothing, so the same blob is not twice the total', () => {
    let now = 0;
    const progress = new TerminalProgress(new Console({ isTTY: true, columns: 200, write: () => {} }), () => now);
    const a = layer(1, 100 * MiB);
    progress.begin('destination 1 of 2');
    const first = progress.listener(0);
    first({ type: 'started', node: a });
    first({ type: 'progress', node: a, bytes: 50 * MiB });
    assert.equal(progress.line(), 'Copying 50.0 MiB of 100.0 MiB (50%) · 1 in flight · destination 1 of 2');
    now = 1000;
    first({ type: 'done', node: a, action: 'copied', bytes: a.size });
    progress.begin('destination 2 of 2');
    const second = progress.listener(1);
    second({ type: 'started', node: a });
    assert.equal(progress.line(), 'Copying 0 B of 100.0 MiB (0%) · 1 in flight · destination 2 of 2');
    now = 2000;
    second({ type: 'progress', node: a, bytes: 100 * MiB });
    assert.match(progress.line(), /^Copying 100\.0 MiB of 100\.0 MiB \(100%\) · 100\.0 MiB\/s · 1 in flight · destination 2 of 2$/);
  });

  it('is drawn only on a terminal, cut to its width, and cleared before other lines', () => {
    const written: string[] = [];
    const console = new Console({ isTTY: true, columns: 30, write: (t) => written.push(t) });
    console.setStatus('Copying 1.00 MiB of 2.00 MiB (50%) · 3 in flight');
    console.line('Copied  abc');
    console.clearStatus();
    assert.deepEqual(written, ['\r\x1b[KCopying 1.00 MiB of 2.00 MiB…', '\r\x1b[KCopied  abc\nCopying 1.00 MiB of 2.00 MiB…', '\r\x1b[K']);
    const plain: string[] = [];
    const pipe = new Console({ write: (t) => plain.push(t) });
    pipe.setStatus('Copying');
    pipe.line('Copied  abc');
    assert.deepEqual(plain, ['Copied  abc\n']);
  });
});

describe('the version', () => {
  it("is package.json's", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version);
  });
});
