import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jobFeatures } from '../../src/job/features/job-features.js';
import { LockFeature } from '../../src/job/features/lock/lock-feature.js';
import { PullBudgetFeature } from '../../src/job/features/pull-budget/budget-feature.js';
import type { OpenJob } from '../../src/job/open-job.js';
import type { ItemOutcome } from '../../src/job/outcome/outcome.js';
import type { JobPlan, JobSettings } from '../../src/job/settings.js';
import { formatLock } from '../../src/lock/lock-file.js';
import { parseReference } from '../../src/oci/reference.js';
import type { PlanItem } from '../../src/plan/plan.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

const item = (tag: string): PlanItem => ({
  entry: 1,
  source: parseReference(`src.example/app:${tag}`),
  destination: parseReference(`dst.example/app:${tag}`),
});
const plan = (items: PlanItem[]): JobPlan => ({ work: 'sync', all: items, items });

describe('the lock feature', () => {
  let dir: string;
  let path: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oci-copy-lock-feature-'));
    path = join(dir, 'm.json');
    await writeFile(
      path,
      formatLock([
        { source: 'src.example/app:1', destination: 'dst.example/app:1', digest: A },
        { source: 'src.example/app:2', destination: 'dst.example/app:2', digest: B },
        { source: 'src.example/app:old', destination: 'dst.example/app:old', digest: B },
      ]),
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('in a locked check, says the images it leaves out are not checked, and that a check compares only what the lock names', async () => {
    const warnings: string[] = [];
    const feature = new LockFeature({
      settings: { path, name: 'm.json', locked: true },
      checking: true,
      dryRun: false,
      signal: new AbortController().signal,
      warn: (line) => void warnings.push(line),
      reporter: {},
    });
    await feature.open();
    // A check takes a repository's tags from the lock, and names the lock as where they came from.
    assert.deepEqual(feature.sourceTags(parseReference('src.example/app')), { tags: ['1', '2', 'old'], from: 'the lock m.json' });
    const planned = feature.planned(plan([item('1'), item('2'), item('3')]));
    assert.equal(
      planned.items[2].failure,
      'm.json has no entry for src.example/app:3 => dst.example/app:3: a locked check compares only the images the lock names; copy without locked to add it',
    );
    assert.deepEqual(warnings, [
      "m.json: 1 locked image is not in this job's plan and not checked (src.example/app:old => dst.example/app:old): the list or its filters no longer select it",
    ]);
  });

  it('pins each item the lock knows, fails the one it does not, and names locked images the plan no longer takes', async () => {
    const warnings: string[] = [];
    const feature = new LockFeature({
      settings: { path, name: 'm.json', locked: true },
      dryRun: false,
      signal: new AbortController().signal,
      warn: (line) => void warnings.push(line),
      reporter: {},
    });
    await feature.open();
    assert.equal(feature.check?.name, 'lock');
    const planned = feature.planned(plan([item('1'), item('2'), item('3')]));
    assert.deepEqual(
      planned.items.map((i) => [i.locked?.digest, i.locked?.line, i.failure]),
      [
        [A, 2, undefined],
        [B, 3, undefined],
        [
          undefined,
          undefined,
          'm.json has no entry for src.example/app:3 => dst.example/app:3: with locked, only the images the lock names are copied; run without locked to add it',
        ],
      ],
    );
    // The plan's two lists hold the same pinned objects.
    assert.deepEqual(
      planned.all.map((i, n) => i === planned.items[n]),
      [true, true, true],
    );
    assert.deepEqual(warnings, [
      "m.json: 1 locked image is not in this job's plan and not copied (src.example/app:old => dst.example/app:old): the list or the source's tags no longer select it",
    ]);
    const results = planned.items.map((i) => ({ item: i, status: 'unchanged', checks: {} }) as unknown as ItemOutcome);
    await feature.close(results);
    assert.equal(feature.outcome().lock?.state, 'locked');
    assert.equal(
      await readFile(path, 'utf8'),
      formatLock([
        { source: 'src.example/app:1', destination: 'dst.example/app:1', digest: A },
        { source: 'src.example/app:2', destination: 'dst.example/app:2', digest: B },
        { source: 'src.example/app:old', destination: 'dst.example/app:old', digest: B },
      ]),
    );
  });

  it('runs before the pull budget, so the budget orders the pinned items', () => {
    const settings: JobSettings = { work: { kind: 'sync', entries: [] }, minPullsLeft: 5, lock: { path, locked: true } };
    const job = {
      settings,
      dryRun: false,
      signal: new AbortController().signal,
      warn: () => undefined,
      reporter: {},
      pool: {},
    } as unknown as OpenJob;
    const features = jobFeatures(job, undefined);
    const lock = features.findIndex((f) => f instanceof LockFeature);
    const budget = features.findIndex((f) => f instanceof PullBudgetFeature);
    assert.ok(lock >= 0 && budget > lock, `lock at ${lock}, budget at ${budget}`);
  });
});
