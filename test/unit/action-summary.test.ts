import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summaryMarkdown } from '../../src/action/summary.js';
import { CopyReport } from '../../src/job/outcome/copy-report.js';
import type { JobOutcome } from '../../src/job/outcome/outcome.js';
import { blobRecords } from '../../src/job/render/records.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { copyJobOutcome } from '../support/outcomes.js';

const blobsOutput = (o: JobOutcome) => JSON.stringify(blobRecords(o.results));

const d = (n: number, mediaType: string, size: number): Descriptor => ({
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  mediaType,
  size,
});

function outcome(events: Array<[Descriptor, 'copied' | 'mounted' | 'exists', string?]>, destination = 'ghcr.io/acme/app:1.2'): JobOutcome {
  const report = new CopyReport();
  for (const [node, action, from] of events)
    report.listener({ type: 'done', node, action, from, bytes: action === 'copied' ? node.size : 0 });
  report.listener({ type: 'tagged', node: events.at(-1)![0], reference: '1.2' });
  report.finish();
  return copyJobOutcome({
    source: 'ghcr.io/acme/app-dev:1.2',
    root: events.at(-1)![0],
    destinations: [{ destination, report }],
    dryRun: false,
    cacheNote: 'Blob-info cache: restored from k-1-1 (3 locations).',
  });
}

describe('job summary and blobs output', () => {
  it('headlines bytes copied and mounted, and lists every node with where it was mounted from', () => {
    const o = outcome([
      [d(1, 'application/vnd.oci.image.layer.v1.tar+gzip', 3 * 1024 * 1024), 'mounted', 'acme/app-dev'],
      [d(2, 'application/vnd.oci.image.config.v1+json', 1024), 'copied'],
      [d(3, 'application/vnd.oci.image.manifest.v1+json', 1024), 'copied'],
    ]);
    const md = summaryMarkdown(o);
    assert.match(md, /^### Copy: <code>ghcr\.io\/acme\/app-dev:1\.2<\/code> → <code>ghcr\.io\/acme\/app:1\.2<\/code>/);
    // 2 KiB of 3 MiB travelled: neither share may read 0 % or 100 %.
    assert.match(md, /\| copied \| 2 \| 2\.00 KiB \| <1% \|/);
    assert.match(md, /\| mounted from other repositories \| 1 \| 3\.00 MiB \| >99% \|/);
    assert.match(md, /Took \d+ ms: 2\.00 KiB travelled\./);
    assert.doesNotMatch(md, /\/s\b/, 'mounts did the work: no rate');
    assert.match(md, /\| mounted from <code>acme\/app-dev<\/code> \| application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip \|/);
    assert.match(md, /· tagged <code>1\.2<\/code>/);
    assert.match(md, /<sub>Blob-info cache: restored from k-1-1 \(3 locations\)\.<\/sub>/);
    assert.deepEqual(
      JSON.parse(blobsOutput(o)).map((b: { action: string }) => b.action),
      ['mounted', 'copied', 'copied'],
    );
    assert.equal(JSON.parse(blobsOutput(o))[0].from, 'acme/app-dev');
  });

  it('escapes text that came from outside', () => {
    const o = outcome([[d(4, 'x/<script>|y', 1), 'copied']], 'evil.io/a:<b>|');
    const md = summaryMarkdown(o);
    assert.doesNotMatch(md, /<script>|<b>/);
    assert.match(md, /&#60;script&#62;&#124;y/);
  });

  it('folds a long node table into <details>', () => {
    const many = Array.from({ length: 25 }, (_, i): [Descriptor, 'copied'] => [
      { digest: `sha256:${i.toString(16).padStart(64, '0')}`, mediaType: `application/x-${i}`, size: i },
      'copied',
    ]);
    const o = outcome(many);
    assert.match(summaryMarkdown(o), /<details><summary>Every node \(25\)<\/summary>/);
  });
});

describe('shares of bytes', () => {
  it('add up to 100, never showing a part as 0 % or 100 % when it is not', async () => {
    const { percentages } = await import('../../src/action/copy-summary.js');
    assert.deepEqual(percentages([1, 1, 1]), ['34%', '33%', '33%']);
    assert.deepEqual(percentages([5, 0, 0]), ['100%', '0%', '0%']);
    assert.deepEqual(percentages([1, 10_000, 0]), ['<1%', '>99%', '0%']);
    assert.deepEqual(percentages([0, 0, 0]), ['–', '–', '–']);
    assert.deepEqual(percentages([2, 3, 5]), ['20%', '30%', '50%']);
  });
});
