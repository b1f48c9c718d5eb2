/**
 * One job step that uses the blob-info cache the way the action does, run as its own process with
 * the runner's environment: restore, record some locations, answer some lookups, save. Reads its
 * plan as JSON from `BLOB_CACHE_JOB` and prints `RESULT <json>` as its last line; everything
 * `@actions/core` logs (`::warning::…`) comes before it on stdout.
 */
import { restoreBlobCache, saveBlobCache } from '../../src/action/blob-cache-store.js';

export interface BlobCacheJobPlan {
  prefix: string;
  record?: { registry: string; repository: string; digest: string }[];
  lookup?: { registry: string; digest: string }[];
}

export interface BlobCacheJobResult {
  restore: Awaited<ReturnType<typeof restoreBlobCache>>['restore'];
  candidates: string[][];
  changed: boolean;
  save: Awaited<ReturnType<typeof saveBlobCache>>;
}

const plan = JSON.parse(process.env.BLOB_CACHE_JOB ?? '{}') as BlobCacheJobPlan;
const { cache, restore } = await restoreBlobCache(plan.prefix);
for (const r of plan.record ?? []) cache.record({ registry: r.registry, repository: r.repository }, r.digest);
const candidates = (plan.lookup ?? []).map((q) => cache.candidates(q.registry, q.digest, 5));
const changed = cache.changed;
const save = await saveBlobCache(cache, plan.prefix, restore.status === 'restored' ? restore.key : undefined);
const result: BlobCacheJobResult = { restore, candidates, changed, save };
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
