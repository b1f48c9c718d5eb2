import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { digestOf } from '../../src/oci/digest.js';
import { cacheServiceEnv, startCacheService, withEnv, type CacheService } from '../support/cache-service.js';
import type { BlobCacheJobPlan, BlobCacheJobResult } from '../support/blob-cache-job.js';

/*
 * The real @actions/cache, driven through restoreBlobCache/saveBlobCache in a process per job step,
 * against the cache-service emulator. Each job runs on a "fresh runner": the runner directory is
 * emptied, but keeps its paths, as hosted runners do (the cache version hashes the file's path).
 */

const JOB = fileURLToPath(new URL('../support/blob-cache-job.js', import.meta.url));
const L1 = digestOf('layer one');
const L2 = digestOf('layer two');
const CFG = digestOf('config');

interface JobRun {
  result: BlobCacheJobResult;
  warnings: string[];
  notices: string[];
  stdout: string;
}

let service: CacheService;
let root: string;

before(async () => {
  service = await startCacheService();
  root = await mkdtemp(join(tmpdir(), 'oci-copy-blob-cache-it-'));
});
after(async () => {
  await service?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

interface Runner {
  dir: string;
  temp: string;
  workspace: string;
  home: string;
}

/** A runner whose directories have fixed paths under `root`, emptied when `fresh`. */
async function runner(name: string, fresh = true): Promise<Runner> {
  const dir = join(root, name);
  if (fresh) await rm(dir, { recursive: true, force: true });
  const r = { dir, temp: join(dir, '_temp'), workspace: join(dir, 'work', 'repo', 'repo'), home: join(dir, 'home') };
  for (const d of [r.temp, r.workspace, r.home]) await mkdir(d, { recursive: true });
  return r;
}

async function runJob(
  r: Runner,
  runId: string,
  plan: BlobCacheJobPlan,
  envChanges: Record<string, string | undefined> = {},
): Promise<JobRun> {
  const env = withEnv(process.env, {
    ...cacheServiceEnv(service, { runId, temp: r.temp, workspace: r.workspace }),
    HOME: r.home,
    BLOB_CACHE_JOB: JSON.stringify(plan),
    RUNNER_DEBUG: undefined,
    ...envChanges,
  });
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(process.execPath, [JOB], { env, cwd: r.workspace, timeout: 60_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`job step failed (${err.message}): ${out}\n${errOut}`));
      else resolve({ stdout: out });
    });
  });
  const lines = stdout.split('\n');
  const resultLine = lines.find((l) => l.startsWith('RESULT '));
  assert.ok(resultLine, `the job printed a result:\n${stdout}`);
  return {
    result: JSON.parse(resultLine.slice('RESULT '.length)) as BlobCacheJobResult,
    warnings: lines.filter((l) => l.startsWith('::warning')),
    notices: lines.filter((l) => l.startsWith('::notice')),
    stdout,
  };
}

const twirpCalls = () =>
  service
    .requests()
    .filter((q) => q.path.startsWith('/twirp/'))
    .map((q) => `${q.operation} ${q.key} ${q.status}`);

describe('blob-info cache carried between runs through @actions/cache', () => {
  it('run 1 learns and saves; run 2, on a fresh runner, restores what run 1 learnt', async () => {
    service.resetRequests();
    const run1 = await runJob(await runner('a'), '1001', {
      prefix: 'oci-blobs',
      record: [
        { registry: '127.0.0.1:5000', repository: 'team/base', digest: L1 },
        { registry: '127.0.0.1:5000', repository: 'team/base', digest: CFG },
        { registry: '127.0.0.1:5000', repository: 'team/app', digest: L1 },
      ],
    });
    assert.deepEqual(run1.warnings, []);
    assert.deepEqual(run1.result.restore, { status: 'missed', entries: 0 });
    assert.deepEqual(run1.result.save, { status: 'saved', key: 'oci-blobs-1001-1', entries: 3 });
    assert.deepEqual(twirpCalls(), [
      'GetCacheEntryDownloadURL oci-blobs- 200',
      'CreateCacheEntry oci-blobs-1001-1 200',
      'FinalizeCacheEntryUpload oci-blobs-1001-1 200',
    ]);
    assert.ok(
      service.requests().some((q) => q.operation === 'PutBlob' && q.status === 201),
      'the archive went up as one Put Blob',
    );
    const saved = service.entries().filter((e) => e.key === 'oci-blobs-1001-1');
    assert.equal(saved.length, 1);
    assert.ok(saved[0].finalized && saved[0].size > 0);

    service.resetRequests();
    const fresh = await runner('a');
    const run2 = await runJob(fresh, '1002', {
      prefix: 'oci-blobs',
      lookup: [
        { registry: '127.0.0.1:5000', digest: L1 },
        { registry: '127.0.0.1:5000', digest: CFG },
        { registry: '127.0.0.1:5000', digest: L2 },
      ],
    });
    assert.deepEqual(run2.warnings, []);
    assert.deepEqual(run2.result.restore, { status: 'restored', key: 'oci-blobs-1001-1', entries: 3 });
    assert.deepEqual(run2.result.candidates, [['team/app', 'team/base'], ['team/base'], []]);
    // It learnt nothing: nothing is saved, the service sees no reservation.
    assert.deepEqual(run2.result.save, { status: 'unchanged' });
    assert.deepEqual(twirpCalls(), ['GetCacheEntryDownloadURL oci-blobs- 200']);
    assert.ok(service.requests().some((q) => q.operation === 'GetBlob' && q.status === 200));
    // The restored file is the versioned format, at the fixed path under RUNNER_TEMP.
    const file = JSON.parse(await readFile(join(fresh.temp, 'oci-copy-blob-cache', 'blob-info.json'), 'utf8'));
    assert.equal(file.version, 1);
    assert.equal(file.entries.length, 3);
  });

  it('a later run that learns more saves a new key, and the newest one is restored next', async () => {
    const run3 = await runJob(await runner('a'), '1003', {
      prefix: 'oci-blobs',
      record: [{ registry: '127.0.0.1:5000', repository: 'team/other', digest: L1 }],
    });
    assert.deepEqual(run3.result.restore, { status: 'restored', key: 'oci-blobs-1001-1', entries: 3 });
    assert.deepEqual(run3.result.save, { status: 'saved', key: 'oci-blobs-1003-1', entries: 4 });

    const run4 = await runJob(await runner('a'), '1004', {
      prefix: 'oci-blobs',
      lookup: [{ registry: '127.0.0.1:5000', digest: L1 }],
    });
    assert.deepEqual(run4.result.restore, { status: 'restored', key: 'oci-blobs-1003-1', entries: 4 });
    assert.deepEqual(run4.result.candidates, [['team/other', 'team/app', 'team/base']]);
  });

  it('a second step of the same job saves under a numbered key instead of colliding', async () => {
    const r = await runner('c');
    const step1 = await runJob(r, '2001', {
      prefix: 'steps',
      record: [{ registry: 'ghcr.io', repository: 'org/one', digest: L1 }],
    });
    assert.deepEqual(step1.result.save, { status: 'saved', key: 'steps-2001-1', entries: 1 });
    const step2 = await runJob(await runner('c', false), '2001', {
      prefix: 'steps',
      record: [{ registry: 'ghcr.io', repository: 'org/two', digest: L2 }],
    });
    assert.deepEqual(step2.warnings, []);
    assert.equal(step2.result.restore.status, 'restored');
    assert.deepEqual(step2.result.save, { status: 'saved', key: 'steps-2001-1-2', entries: 2 });
    const step3 = await runJob(await runner('c', false), '2001', {
      prefix: 'steps',
      record: [{ registry: 'ghcr.io', repository: 'org/three', digest: L2 }],
    });
    assert.deepEqual(step3.result.save, { status: 'saved', key: 'steps-2001-1-3', entries: 3 });
  });

  it('keeps prefixes apart', async () => {
    const run = await runJob(await runner('a'), '3001', { prefix: 'elsewhere', lookup: [{ registry: '127.0.0.1:5000', digest: L1 }] });
    assert.deepEqual(run.result.restore, { status: 'missed', entries: 0 });
    assert.deepEqual(run.result.candidates, [[]]);
  });

  it('does not restore on a runner whose RUNNER_TEMP is another path (the version hashes the path)', async () => {
    const run = await runJob(await runner('elsewhere'), '3002', {
      prefix: 'oci-blobs',
      lookup: [{ registry: '127.0.0.1:5000', digest: L1 }],
    });
    assert.deepEqual(run.result.restore, { status: 'missed', entries: 0 });
    assert.deepEqual(run.warnings, []);
  });

  it('parallel jobs of one run: the immutable key goes to one, the other saves under a key of its own', async () => {
    // Two machines, same paths: one directory stands for both (each step writes its file atomically).
    const shared = await runner('e');
    service.holdLookups(2);
    const [x, y] = await Promise.all([
      runJob(shared, '4001', {
        prefix: 'parallel',
        record: [{ registry: 'ghcr.io', repository: 'org/x', digest: L1 }],
      }),
      runJob(shared, '4001', {
        prefix: 'parallel',
        record: [{ registry: 'ghcr.io', repository: 'org/y', digest: L1 }],
      }),
    ]);
    assert.deepEqual([x.result.save.status, y.result.save.status], ['saved', 'saved']);
    assert.deepEqual(x.warnings.concat(y.warnings), []);
    assert.ok(
      service.requests().some((q) => q.operation === 'CreateCacheEntry' && q.key === 'parallel-4001-1' && q.status === 409),
      'the service answered 409 to the second reservation',
    );
    const keys = service
      .entries()
      .filter((e) => e.key.startsWith('parallel-') && e.finalized)
      .map((e) => e.key)
      .sort();
    assert.equal(keys.length, 2);
    assert.equal(keys[0], 'parallel-4001-1');
    assert.match(keys[1], /^parallel-4001-1-job-[0-9a-f]{6}$/);
  });

  it('a dead cache service is a warning, never a failure', async () => {
    const port = await closedPort();
    const run = await runJob(
      await runner('f'),
      '5001',
      { prefix: 'oci-blobs', record: [{ registry: 'ghcr.io', repository: 'org/x', digest: L1 }] },
      { ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/` },
    );
    assert.deepEqual(run.result.restore, { status: 'missed', entries: 0 });
    assert.deepEqual(run.result.candidates, []);
    assert.equal(run.result.save.status, 'failed');
    assert.ok(
      run.warnings.some((w) => /Failed to restore/.test(w)),
      run.stdout,
    );
    assert.ok(
      run.warnings.some((w) => /not saved/.test(w)),
      run.stdout,
    );
    assert.ok(!/::error/.test(run.stdout), 'no error annotation');
  });

  it('a key @actions/cache rejects (it throws only for such) is a warning, never a failure', async () => {
    const run = await runJob(await runner('a'), '5002', {
      prefix: 'has,comma',
      record: [{ registry: 'ghcr.io', repository: 'org/x', digest: L1 }],
    });
    assert.equal(run.result.restore.status, 'missed');
    assert.equal(run.result.save.status, 'failed');
    assert.ok(
      run.warnings.some((w) => /not restored: Key Validation Error/.test(w)),
      run.stdout,
    );
    assert.ok(
      run.warnings.some((w) => /not saved: Key Validation Error/.test(w)),
      run.stdout,
    );
  });

  it('without a cache service it skips restore and save with a notice, and sends nothing', async () => {
    service.resetRequests();
    const run = await runJob(
      await runner('g'),
      '6001',
      { prefix: 'oci-blobs', record: [{ registry: 'ghcr.io', repository: 'org/x', digest: L1 }] },
      { ACTIONS_RESULTS_URL: undefined },
    );
    assert.equal(run.result.restore.status, 'skipped');
    assert.equal(run.result.save.status, 'skipped');
    assert.equal(run.notices.length, 1, run.stdout);
    assert.match(run.notices[0], /not restored: the Actions cache service is not available/);
    assert.deepEqual(run.warnings, []);
    assert.deepEqual(service.requests(), []);
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
