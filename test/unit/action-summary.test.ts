import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blobsOutput, summaryMarkdown, type CopyOutcome } from '../../src/action/report.js';
import { CopyReport } from '../../src/copy/report.js';
import type { Descriptor } from '../../src/oci/descriptor.js';

const d = (n: number, mediaType: string, size: number): Descriptor => ({ digest: `sha256:${String(n).repeat(64).slice(0, 64)}`, mediaType, size });

function outcome(events: Array<[Descriptor, 'copied' | 'mounted' | 'exists', string?]>, destination = 'ghcr.io/acme/app:1.2'): CopyOutcome {
  const report = new CopyReport();
  for (const [node, action, from] of events) report.listener({ type: 'done', node, action, from, bytes: action === 'copied' ? node.size : 0 });
  report.listener({ type: 'tagged', node: events.at(-1)![0], reference: '1.2' });
  report.finish();
  return {
    source: 'ghcr.io/acme/app-dev:1.2',
    root: events.at(-1)![0],
    destinations: [{ operation: 'copy', destination, description: `[registry] ${destination}`, report }],
    dryRun: false,
    cacheNote: 'Blob-info cache: restored from k-1-1 (3 locations).',
  };
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
    assert.match(md, /\n2\.00 KiB copied, 3\.00 MiB mounted \(100% of the bytes did not move\), in \d+ ms\./);
    assert.match(md, /\| mounted \(saved\) \| 1 \| 3\.00 MiB \|/);
    assert.match(md, /\| mounted from <code>acme\/app-dev<\/code> \| application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip \|/);
    assert.match(md, /tagged <code>1\.2<\/code>/);
    assert.match(md, /<sub>Blob-info cache: restored from k-1-1 \(3 locations\)\.<\/sub>/);
    assert.deepEqual(JSON.parse(blobsOutput(o.destinations)).map((b: { action: string }) => b.action), ['mounted', 'copied', 'copied']);
    assert.equal(JSON.parse(blobsOutput(o.destinations))[0].from, 'acme/app-dev');
  });

  it('escapes text that came from outside', () => {
    const o = outcome([[d(4, 'x/<script>|y', 1), 'copied']], 'evil.io/a:<b>|');
    const md = summaryMarkdown(o);
    assert.doesNotMatch(md, /<script>|<b>/);
    assert.match(md, /&#60;script&#62;&#124;y/);
  });

  it('folds a long node table into <details>', () => {
    const many = Array.from({ length: 25 }, (_, i): [Descriptor, 'copied'] => [{ digest: `sha256:${i.toString(16).padStart(64, '0')}`, mediaType: `application/x-${i}`, size: i }, 'copied']);
    const o = outcome(many);
    assert.match(summaryMarkdown(o), /<details><summary>Every node \(25\)<\/summary>/);
  });
});
