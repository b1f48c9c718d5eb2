import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncSummaryMarkdown } from '../../src/action/sync-summary.js';
import { ItemRecord } from '../../src/job/outcome/item-record.js';
import { itemOutcome } from '../../src/job/outcome/item-outcome.js';
import { ITEM_STATUSES, jobOutcome, type ItemStatus, type JobOutcome, type PruneOutcome } from '../../src/job/outcome/outcome.js';
import { pruneLine, syncLog, type LineSink } from '../../src/job/render/log.js';
import { imageRecords, pruneRecords } from '../../src/job/render/records.js';
import { ImageDeferred } from '../../src/job/features/pull-budget/budget-check.js';
import { parseReference } from '../../src/oci/reference.js';

const ROOT = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 500 };

function outcomeOf(status: ItemStatus, tag: string, index: number, extra: { reason?: 'immutable'; error?: unknown } = {}) {
  const item = {
    entry: 1,
    source: parseReference(`docker.io/library/app:${tag}`),
    destination: parseReference(`mirror.example.com/app:${tag}`),
  };
  const record = new ItemRecord(index, item, 'copy', {});
  record.status = status;
  if (status !== 'unchanged' || !extra.reason) {
    record.resolved = { source: ROOT, root: ROOT };
    record.references = [tag];
  }
  if (extra.reason) record.reason = extra.reason;
  if (extra.error) record.error = extra.error;
  return itemOutcome(record);
}

const PRUNED: PruneOutcome = {
  entry: 1,
  destination: 'mirror.example.com/app',
  removed: ['0.8', '0.9'],
  protected: ['nightly'],
  kept: 5,
  attachmentsKept: [],
  failed: [],
};

function job(dryRun = false): JobOutcome {
  const results = [
    outcomeOf('unchanged', 'v1.0.0', 0, { reason: 'immutable' }),
    outcomeOf('copied', 'v1.1.0', 1),
    outcomeOf('deferred', 'v1.2.0', 2, {
      error: new ImageDeferred('left for the next run: the pull budget of docker.io is spent (min-pulls-left 10)', 'pull-budget'),
    }),
  ];
  return jobOutcome('sync', dryRun, results, {
    plan: { all: 3 },
    rateLimits: [],
    durationMs: 10,
    warnings: [],
    pullBudget: '1 of 3 images left for the next run (docker.io: 10 of 100 pulls left per 6 h)',
    pruned: [PRUNED],
  });
}

describe('a mirror run rendered', () => {
  it('counts deferred among the statuses, and a deferred image is no failure', () => {
    assert.ok(ITEM_STATUSES.includes('deferred'));
    const outcome = job();
    assert.equal(outcome.counts.deferred, 1);
    assert.equal(outcome.failure, undefined);
    assert.equal(outcome.results[2].root, undefined, 'nothing was written for it');
  });

  it('gives each image its status and reason in the images output, and prune its own output', () => {
    const records = imageRecords(job());
    assert.deepEqual(
      records.map((r) => [r.status, r.reason]),
      [
        ['unchanged', 'immutable'],
        ['copied', undefined],
        ['deferred', undefined],
      ],
    );
    assert.match(String(records[2].error), /left for the next run/);
    assert.deepEqual(pruneRecords(job()), [
      { entry: 1, destination: 'mirror.example.com/app', removed: ['0.8', '0.9'], protected: ['nightly'], kept: 5 },
    ]);
    assert.deepEqual(Object.keys(pruneRecords(job(true))[0]), ['entry', 'destination', 'wouldRemove', 'protected', 'kept']);
  });

  it('says in the summary what was left, what was immutable and what was pruned', () => {
    const md = syncSummaryMarkdown(job());
    assert.match(md, /1 left for the next run/);
    assert.match(md, /Pull budget: 1 of 3 images left for the next run \(docker\.io: 10 of 100 pulls left per 6 h\)/);
    assert.match(md, /\| left for the next run \|/);
    assert.match(md, /immutable tag the destination has: not compared/);
    assert.match(md, /#### Pruned \(1\)/);
    assert.match(md, /<code>0\.8<\/code> <code>0\.9<\/code> \| <code>nightly<\/code> \| 5 \|/);
    assert.doesNotMatch(md, /#### Failed/, 'a deferred image is not listed among failures');
    assert.match(syncSummaryMarkdown(job(true)), /Would prune \(1\)[\s\S]*would remove/);
  });

  it('logs a line for each, the stop line as a warning, and what prune did', () => {
    const lines: string[] = [];
    const warnings: string[] = [];
    const sink: LineSink = {
      line: (t) => lines.push(t),
      warning: (t) => warnings.push(t),
      startGroup: (t) => lines.push(`>> ${t}`),
      endGroup: () => lines.push('<<'),
    };
    const reporter = syncLog(sink);
    const outcome = job();
    reporter.planned?.({ work: 'sync', all: [], items: outcome.results.map((r) => r.item) });
    for (const r of outcome.results) {
      reporter.itemStarted?.({ index: r.index, item: r.item, operation: 'copy', dryRun: false });
      reporter.itemDone?.(r);
    }
    reporter.pruned?.(PRUNED, false);
    reporter.budgetStopped?.(outcome.pullBudget!);
    assert.ok(
      lines.includes(
        'Unchanged docker.io/library/app:v1.0.0 => mirror.example.com/app:v1.0.0 (immutable tag the destination has: not compared)',
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) =>
        l.startsWith('Left for the next run docker.io/library/app:v1.2.0 => mirror.example.com/app:v1.2.0: left for the next run'),
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.includes('Pruned mirror.example.com/app (entry 1): removed 2 tags (0.8, 0.9); protected 1 (nightly); 5 kept'),
      lines.join('\n'),
    );
    assert.deepEqual(warnings, [outcome.pullBudget]);
  });

  it('names the first ten tags of a long prune and counts the rest, and says why a prune stopped', () => {
    const many = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const line = pruneLine({ ...PRUNED, removed: many, protected: [], stopped: 'registry r does not allow deleting tags' }, true);
    assert.equal(
      line,
      'Would prune mirror.example.com/app (entry 1): would remove 12 tags (t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, and 2 more); 5 kept; stopped: registry r does not allow deleting tags',
    );
    assert.equal(
      pruneLine({ ...PRUNED, removed: [], protected: [], kept: undefined, stopped: 'pruned by shard 1/2, not by this shard (2/2)' }, false),
      'Not pruned mirror.example.com/app (entry 1): pruned by shard 1/2, not by this shard (2/2)',
    );
    // A prune that listed the destination and then stopped says how many tags stay.
    assert.equal(
      pruneLine({ ...PRUNED, removed: [], protected: [], kept: 6, stopped: 'the source lists no tags' }, true),
      'Not pruned mirror.example.com/app (entry 1): the source lists no tags; 6 kept',
    );
  });

  it('says "Would prune" in a dry run that copies no image', () => {
    const lines: string[] = [];
    const reporter = syncLog({
      line: (t) => lines.push(t),
      warning: () => undefined,
      startGroup: () => undefined,
      endGroup: () => undefined,
    });
    reporter.planned?.({ work: 'sync', all: [], items: [] });
    reporter.pruned?.({ ...PRUNED, removed: ['a', 'b'], protected: [], kept: 0 }, true);
    assert.deepEqual(lines, ['Would prune mirror.example.com/app (entry 1): would remove 2 tags (a, b); 0 kept']);
  });

  it('gives a sync that selects nothing no empty table, and says which entry selected nothing and why', () => {
    const nothing = {
      entry: 2,
      line: 4,
      source: 'src.example.com/app',
      filters: ['tags "4\\..*"'],
      tags: 3,
      sample: ['3.2', '3.1', 'edge'],
      attachments: 0,
      attachmentSample: [],
    };
    const stopped: PruneOutcome = {
      ...PRUNED,
      removed: [],
      protected: [],
      kept: 6,
      stopped: 'the source lists no tags: nothing is pruned',
    };
    const outcome = jobOutcome('sync', false, [], {
      plan: { all: 0, entries: 2, nothingSelected: [nothing] },
      rateLimits: [],
      durationMs: 10,
      warnings: [],
      pruned: [stopped],
    });
    const md = syncSummaryMarkdown(outcome);
    assert.doesNotMatch(md, /#### Images|\| status \|/, md);
    assert.match(md, /No images: no entry selected a tag \(below\)\./);
    // The regex reads as written: its quotes, backslash and asterisk are entities, not Markdown.
    assert.ok(
      md.includes(
        '- ⚠️ entry 2 (line 4), src.example.com/app: tags &#34;4&#92;..&#42;&#34; selects none of its 3 tags (3.2, 3.1, edge): nothing to copy',
      ),
      md,
    );
    assert.match(
      md,
      /\| <code>mirror\.example\.com\/app<\/code> \| — \| — \| 6 \| stopped: the source lists no tags: nothing is pruned \|/,
      md,
    );
    const shard = jobOutcome('sync', false, [], {
      plan: { all: 7, shard: { index: 2, count: 3 } },
      rateLimits: [],
      durationMs: 10,
      warnings: [],
    });
    assert.match(syncSummaryMarkdown(shard), /No images: shard 2\/3 takes none of the list's 7\./);
    assert.doesNotMatch(syncSummaryMarkdown(shard), /\|---/);
  });
});
