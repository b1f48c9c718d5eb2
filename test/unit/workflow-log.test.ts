import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logEvents } from '../../src/action/log.js';
import { summaryMarkdown } from '../../src/action/summary.js';
import { CopyReport } from '../../src/job/outcome/copy-report.js';
import type { CopyEvent } from '../../src/copy/events.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { copyJobOutcome } from '../support/outcomes.js';

const MiB = 1024 * 1024;
const blob: Descriptor = {
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: `sha256:${'ab12'.repeat(16)}`,
  size: 100 * MiB,
};
const small: Descriptor = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'cd34'.repeat(16)}`, size: 1000 };

/** What `core.info` printed while `work` ran: workflow logs are the process's standard output. */
function captureStdout(work: () => void): string[] {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    work();
  } finally {
    process.stdout.write = write;
  }
  return lines;
}

describe('workflow log lines', () => {
  it('a slow blob prints a progress line every 5 s with bytes, percent and rate', () => {
    let now = 1_000_000;
    const log = logEvents(() => now);
    const lines = captureStdout(() => {
      log({ type: 'started', node: blob });
      // progress every second for 12 s, 5 MiB a second
      for (let s = 1; s <= 12; s++) {
        now += 1000;
        log({ type: 'progress', node: blob, bytes: s * 5 * MiB });
      }
      log({ type: 'done', node: blob, action: 'copied', bytes: blob.size });
    });
    const progress = lines.filter((l) => l.includes('%'));
    assert.equal(progress.length, 2, lines.join('\n'));
    assert.equal(progress[0].trim(), 'ab12ab12ab12 25.0 MiB / 100.0 MiB (25%) 5.00 MiB/s');
    assert.equal(progress[1].trim(), 'ab12ab12ab12 50.0 MiB / 100.0 MiB (50%) 5.00 MiB/s');
    assert.match(lines[0], /^Copying ab12ab12ab12 application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip$/);
    assert.match(lines.at(-1)!, /^Copied {2}ab12ab12ab12 /);
  });

  it('a quick blob prints no progress line, and progress stops with the blob', () => {
    let now = 0;
    const log = logEvents(() => now);
    const lines = captureStdout(() => {
      log({ type: 'started', node: small });
      now += 400;
      log({ type: 'progress', node: small, bytes: 1000 });
      log({ type: 'done', node: small, action: 'copied', bytes: 1000 });
      now += 10_000;
      log({ type: 'progress', node: small, bytes: 1000 });
    });
    assert.deepEqual(
      lines.filter((l) => l.includes('%')),
      [],
    );
    assert.equal(lines.length, 2);
  });

  it('progress lines carry no terminal escape codes', () => {
    let now = 0;
    const log = logEvents(() => now);
    const lines = captureStdout(() => {
      log({ type: 'started', node: blob });
      now += 6000;
      log({ type: 'progress', node: blob, bytes: 3 * MiB });
    });
    for (const l of lines) assert.doesNotMatch(l, /[\x1b\r]/);
  });

  it('the summary folds a long node table into <details> and says when it was a dry run', () => {
    const report = new CopyReport();
    const nodes: Descriptor[] = Array.from({ length: 25 }, (_, i) => ({ ...small, digest: `sha256:${i.toString(16).padStart(64, '0')}` }));
    for (const n of nodes) report.listener({ type: 'done', node: n, action: 'copy', bytes: 0 } satisfies CopyEvent);
    report.finish();
    const md = summaryMarkdown(
      copyJobOutcome({
        source: 'example.com/a:1',
        root: nodes[24],
        destinations: [{ destination: 'example.com/b:1', report }],
        dryRun: true,
      }),
    );
    assert.match(md, /^### Dry run of copy: /m);
    assert.match(md, /<details><summary>Every node \(25\)<\/summary>/);
    assert.match(md, /\| to copy \| 25 \| /);
    assert.match(md, /Checked in \d+ ms\./);
    assert.doesNotMatch(md, /\/s\./, 'no rate for a dry run');
  });
});
