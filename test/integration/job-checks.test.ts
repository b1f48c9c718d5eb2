// The per-image pipeline's slots, as a later feature (a signature policy, signing) plugs into them:
// a check that refuses before any byte moves, one that records, the entry's settings reaching it,
// and a stage that runs once the image is tagged. Against a real registry.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CopyEvent } from '../../src/copy/events.js';
import { CheckRefusal, type AfterTagContext, type ImageCheck, type ImageCheckContext } from '../../src/job/checks/check.js';
import { runJob } from '../../src/job/run-job.js';
import { parseSyncEntries } from '../../src/plan/entries.js';
import { parseReference } from '../../src/oci/reference.js';
import { makeImageLayout, pushImageOverHttp, type ImageLayout } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const WRITES = new Set(['PUT', 'POST', 'PATCH', 'DELETE']);

describe('the checks before copy and the stages after tagging', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  let image: ImageLayout;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-checks-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    image = await makeImageLayout(join(work, 'app'), {
      tag: '1.0',
      platforms: [
        { os: 'linux', architecture: 'amd64', layers: [{ size: 4000, seed: 'amd64' }] },
        { os: 'linux', architecture: 'arm64', layers: [{ size: 5000, seed: 'arm64' }] },
      ],
    });
    await pushImageOverHttp(image, src.url, 'team/app', '1.0');
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a check that refuses stops the image before any byte moves, for every destination, and its words are the error', async () => {
    await dst.resetRequests();
    const seen: ImageCheckContext[] = [];
    const policy: ImageCheck = {
      name: 'policy',
      async run(ctx) {
        seen.push(ctx);
        throw new CheckRefusal(`${ctx.resolved.root.digest} is not signed by the release key`, 'policy', { signatures: 0 });
      },
    };
    const outcome = await runJob({
      work: {
        kind: 'copy',
        source: parseReference(`${src.host}/team/app:1.0`),
        destinations: [parseReference(`${dst.host}/a/app:1.0`), parseReference(`${dst.host}/b/app:1.0`)],
      },
      checks: [policy],
    });
    assert.deepEqual(
      (await dst.settledRequests()).filter((r) => WRITES.has(r.method)),
      [],
      'nothing written anywhere',
    );
    assert.equal(seen.length, 2, 'the check ran for each destination before either was copied');
    assert.deepEqual(
      seen.map((c) => c.resolved.root.digest),
      [image.root.digest, image.root.digest],
    );
    assert.deepEqual(
      seen.map((c) => [...c.current.entries()]),
      [[['1.0', undefined]], [['1.0', undefined]]],
      'each saw what its tags name now',
    );
    assert.deepEqual(
      outcome.results.map((r) => [r.status, r.refusedBy, r.error]),
      [
        ['failed', 'policy', `${image.root.digest} is not signed by the release key`],
        ['failed', 'policy', `${image.root.digest} is not signed by the release key`],
      ],
    );
    assert.deepEqual(outcome.results[0].checks, { policy: { signatures: 0 } }, 'what it found is kept under its name');
    assert.match(outcome.failure!, /^2 of 2 destinations failed: /);
  });

  it("a sync entry's own settings reach the checks, and what a check records and says lands in the outcome and the log", async () => {
    const entries = parseSyncEntries(
      `- source: ${src.host}/team/app:1.0\n  destination: ${dst.host}/entry/app\n  platform: linux/arm64\n  referrers: true\n`,
      'the list',
    );
    const recorded: ImageCheck = {
      name: 'recorder',
      async run(ctx) {
        ctx.warning(`checked ${ctx.resolved.root.digest} for entry ${ctx.entry?.number}`);
        return { platform: ctx.options.platform, referrers: ctx.options.referrers, entryLine: ctx.entry?.line, dryRun: ctx.dryRun };
      },
    };
    const events: CopyEvent[] = [];
    const outcome = await runJob(
      { work: { kind: 'sync', entries }, checks: [recorded] },
      { reporter: { itemStarted: () => (e) => events.push(e) } },
    );
    const [r] = outcome.results;
    assert.equal(r.status, 'copied', r.error);
    const arm64 = image.manifests[1].descriptor.digest;
    assert.equal(r.root?.digest, arm64, 'the entry chose one platform');
    assert.deepEqual(r.checks.recorder, { platform: { os: 'linux', architecture: 'arm64' }, referrers: true, entryLine: 1, dryRun: false });
    assert.deepEqual(r.warnings, [`checked ${arm64} for entry 1`]);
    assert.ok(
      events.some((e) => e.type === 'notice' && e.level === 'warning' && e.message === `checked ${arm64} for entry 1`),
      'said in the log, once it opened',
    );
  });

  it('a stage after tagging finds the image tagged, and its record is kept; an unchanged image runs no check', async () => {
    const tagged: string[] = [];
    const stage = {
      name: 'signer',
      async run(ctx: AfterTagContext) {
        const res = await fetch(`${dst.url}/v2/after/app/manifests/1.0`, {
          method: 'HEAD',
          headers: { accept: 'application/vnd.oci.image.index.v1+json' },
        });
        tagged.push(res.headers.get('docker-content-digest') ?? '');
        return { signed: ctx.root.digest, references: [...ctx.references] };
      },
    };
    let checks = 0;
    const counting: ImageCheck = { name: 'counting', run: async () => void checks++ };
    const settings = {
      work: {
        kind: 'copy' as const,
        source: parseReference(`${src.host}/team/app:1.0`),
        destinations: [parseReference(`${dst.host}/after/app:1.0`)],
      },
      checks: [counting],
      afterTag: [stage],
    };
    const first = await runJob(settings);
    assert.equal(first.results[0].status, 'copied');
    assert.deepEqual(tagged, [image.root.digest], 'the tag named the image when the stage ran');
    assert.deepEqual(first.results[0].checks.signer, { signed: image.root.digest, references: ['1.0'] });
    const again = await runJob(settings);
    assert.equal(again.results[0].status, 'unchanged');
    assert.equal(checks, 1, 'nothing moves for an unchanged image: nothing to check');
  });
});
