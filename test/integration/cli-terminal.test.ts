// The command line at a terminal (a pseudo-terminal made by `script`): one status line for the whole
// copy, with rate, time left and a note while a retry waits, cleared before any other line and at
// the end; an error on a line of its own; archives and passwords refused where a terminal would
// show bytes or wait for typing.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliInTerminal, type CliRun } from '../support/cli.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import type { ImageLayout } from '../support/images.js';
import { startProxiedSource, type ProxiedSource } from '../support/proxied-source.js';
import type { TestRegistry } from '../support/registry.js';

/**
 * What a terminal shows after `output`: `\r` returns to the start of the line, `ESC[K` erases to
 * its end, `\n` starts a new line. Returns every line as it was left (the last one included).
 */
function screen(output: string): string[] {
  const lines: string[] = [];
  let line = '';
  let col = 0;
  for (let i = 0; i < output.length; i++) {
    const c = output[i];
    if (c === '\n') {
      lines.push(line);
      line = '';
      col = 0;
    } else if (c === '\r') {
      col = 0;
    } else if (c === '\x1b' && output.startsWith('\x1b[K', i)) {
      line = line.slice(0, col);
      i += 2;
    } else {
      line = line.slice(0, col) + c + line.slice(col + 1);
      col++;
    }
  }
  lines.push(line);
  return lines;
}

/** Every status line drawn, in order, as the bytes it showed: `Copying 1.20 MiB of 8.00 MiB (15%) · …`. */
function statusLines(output: string): string[] {
  return [...output.matchAll(/\r\x1b\[K(Copying [0-9.]+ [KMG]?i?B of [^\r\n]*)/g)].map((m) => m[1]);
}

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const bytes = (text: string) => {
  const [n, unit] = text.split(' ');
  return Number(n) * UNITS[unit];
};

describe('the command line at a terminal', () => {
  let src: ProxiedSource;
  let work: string;
  let home: string;
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let image: ImageLayout;
  let big: string;

  before(async () => {
    src = await startProxiedSource(12_000_000);
    ({ work, registry, proxy, image, big } = src);
    home = join(work, 'home');
  });

  after(async () => {
    await src?.stop();
  });

  const copyThroughProxy = (destination: string, extra: string[] = []): Promise<CliRun> =>
    runCliInTerminal([src.source, destination, '--no-blob-cache', ...extra], { home });

  it('shows one status line for the whole copy, with rate, time left and a retry while it waits, then clears it', async () => {
    proxy.reset();
    // The big layer waits a second for a retry, then comes at 8 MB/s: long enough for a rate.
    proxy.addFault({ method: 'GET', path: new RegExp(`/blobs/${big}$`), fault: { kind: 'status', status: 503, retryAfter: '1' } });
    proxy.addFault({ method: 'GET', path: new RegExp(`/blobs/${big}$`), nth: 2, fault: { kind: 'slow', bytesPerSecond: 8_000_000 } });
    const run = await copyThroughProxy(`oci:${join(work, 'layout')}:v1`);
    assert.equal(run.code, 0, run.stdout);
    const drawn = statusLines(run.stdout);
    assert.ok(drawn.length >= 3, run.stdout);
    // The whole copy's bytes out of the total known so far, never going backwards.
    const shown = drawn.map((s) => /^Copying ([0-9.]+ [KMG]?i?B) of ([0-9.]+ [KMG]?i?B) \((\d+)%\)/.exec(s));
    assert.ok(shown.every(Boolean), drawn.join('\n'));
    const done = shown.map((m) => bytes(m![1]));
    assert.deepEqual(
      done,
      [...done].sort((a, b) => a - b),
      'bytes never go backwards',
    );
    assert.ok(
      drawn.some((s) => / · \d+(\.\d+)? [KMG]?i?B\/s · /.test(s) && / \d+ s left/.test(s)),
      'a rate and the time left',
    );
    assert.ok(
      drawn.some((s) => s.endsWith(' · retrying (2/5): 503 Service Unavailable')),
      'the wait for a retry shows',
    );
    // On the screen, no line holds the status line and anything else, and none is left at the end.
    const lines = screen(run.stdout);
    assert.ok(
      lines.every((l) => !l.includes('Copying ') || /^Copying [0-9a-f]{12} /.test(l)),
      lines.join('\n'),
    );
    assert.ok(lines.includes(`Digest: ${image.root.digest}`));
    assert.ok(!lines.some((l) => l.includes(' of ') && l.includes('%)')), 'the status line was cleared');
  });

  it('shows the status line for a sync too, counting the bytes of the images it copies', async () => {
    proxy.reset();
    proxy.addFault({ method: 'GET', path: new RegExp(`/blobs/${big}$`), fault: { kind: 'slow', bytesPerSecond: 8_000_000 } });
    const repository = src.source.replace(/:[^/:]+$/, '');
    const run = await runCliInTerminal(['sync', repository, `${registry.host}/sync-status/app`, '--no-blob-cache'], { home });
    assert.equal(run.code, 0, run.stdout);
    const drawn = statusLines(run.stdout);
    assert.ok(
      drawn.some((s) => bytes(/^Copying ([0-9.]+ [KMG]?i?B) of/.exec(s)![1]) > 1_000_000),
      drawn.join('\n') || run.stdout,
    );
    assert.ok(!screen(run.stdout).some((l) => l.includes(' of ') && l.includes('%)')), 'the status line was cleared');
  });

  it('puts an error on a line of its own, with the status line gone', async () => {
    proxy.reset();
    proxy.addFault({ method: 'GET', path: new RegExp(`/blobs/${big}$`), fault: { kind: 'status', status: 503, retryAfter: '1' } });
    proxy.addFault({
      method: 'GET',
      path: new RegExp(`/blobs/${big}$`),
      nth: 2,
      fault: { kind: 'status', status: 404, body: '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}' },
    });
    const dir = join(work, 'failing');
    const run = await copyThroughProxy(`oci:${dir}:v1`);
    assert.equal(run.code, 1, run.stdout);
    assert.ok(statusLines(run.stdout).length > 0, 'a status line was on screen when it failed');
    const lines = screen(run.stdout).filter(Boolean);
    const last = lines[lines.length - 1];
    assert.match(
      last,
      /^oci-copy: fetching blob sha256:[0-9a-f]{64} from \[registry\] 127\.0\.0\.1:\d+\/src\/app: blob sha256:[0-9a-f]{64} is not in /,
    );
    assert.ok(!lines.some((l) => l.includes('%)')), lines.join('\n'));
    // The layout was new: it is gone, partial blob and all.
    await assert.rejects(readdir(dir), { code: 'ENOENT' }, 'no layout and no partial blob is left');
  });

  it('without a terminal, prints a progress line every few seconds for a blob that takes long', async () => {
    proxy.reset();
    proxy.addFault({ method: 'GET', path: new RegExp(`/blobs/${big}$`), fault: { kind: 'slow', bytesPerSecond: 2_000_000 } });
    const run = await runCli([src.source, `oci:${join(work, 'piped')}:v1`, '--no-blob-cache'], { home });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /[\r\x1b]/, 'plain lines only');
    const progress = run.stderr.split('\n').filter((l) => l.startsWith(`  ${big.slice(7, 19)} `));
    assert.ok(progress.length >= 1, run.stderr);
    assert.match(progress[0], /^ {2}[0-9a-f]{12} [0-9.]+ MiB \/ 11\.4 MiB \(\d+%\) [0-9.]+ [KM]iB\/s$/);
  });

  it('refuses to write an archive to the terminal, or read one from it', async () => {
    const out = await runCliInTerminal([`${registry.host}/src/app:v1`, 'oci-archive:-'], { home });
    assert.equal(out.code, 2);
    assert.deepEqual(screen(out.stdout).filter(Boolean), [
      'oci-copy: oci-archive:- writes the archive to standard output, which is a terminal: redirect it (> app.tar), pipe it on, or give a file path',
    ]);
    const inp = await runCliInTerminal(['docker-archive:-', `${registry.host}/dst/app:v1`], { home });
    assert.equal(inp.code, 2);
    assert.deepEqual(screen(inp.stdout).filter(Boolean), [
      'oci-copy: docker-archive:- reads an archive from standard input, which is a terminal: pipe or redirect one in (< app.tar), or give a file path',
    ]);
  });

  it('refuses to read a password from the terminal', async () => {
    const run = await runCliInTerminal(
      [`${registry.host}/src/app:v1`, `${registry.host}/dst/app:v1`, '--dest-username', 'u', '--dest-password-stdin'],
      { home },
    );
    assert.equal(run.code, 2);
    assert.match(
      screen(run.stdout).filter(Boolean)[0],
      /^oci-copy: --dest-password-stdin reads the password from standard input, which is a terminal: pipe it in/,
    );
  });
});
