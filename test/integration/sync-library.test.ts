// The library's sync, as a program would call it: a list in YAML, two registries, a re-run.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sync } from '../../src/lib.js';
import { makeImageLayout, pushImageOverHttp } from '../support/images.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

describe('sync() from the library', () => {
  let src: TestRegistry;
  let dst: TestRegistry;
  let work: string;
  const digests = new Map<string, string>();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-copy-sync-lib-'));
    [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
    for (const tag of ['1.0', '1.1', '2.0']) {
      const image = await makeImageLayout(join(work, tag), {
        tag,
        platforms: [{ os: 'linux', architecture: 'amd64', layers: [{ size: 3000, seed: tag }] }],
      });
      await pushImageOverHttp(image, src.url, 'team/tool', tag);
      digests.set(tag, image.root.digest);
    }
  });
  after(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('copies what the list selects, then finds it unchanged', async () => {
    const list = `- source: ${src.host}/team/tool\n  destination: ${dst.host}/mirror/\n  semver: '<2'\n`;
    const planned: number[] = [];
    const first = await sync(list, { onPlan: (all, mine) => void planned.push(all.length, mine.length) });
    assert.deepEqual(planned, [2, 2]);
    assert.deepEqual(
      first.results.map((r) => [r.destination, r.status, r.root?.digest]),
      [
        [`${dst.host}/mirror/team/tool:1.1`, 'copied', digests.get('1.1')],
        [`${dst.host}/mirror/team/tool:1.0`, 'copied', digests.get('1.0')],
      ],
    );
    const again = await sync(list);
    assert.deepEqual(
      again.results.map((r) => r.status),
      ['unchanged', 'unchanged'],
    );
    await dst.resetRequests();
    const dry = await sync(list.replace('mirror/', 'other/'), { copy: { dryRun: true } });
    assert.deepEqual(
      dry.results.map((r) => r.status),
      ['copy', 'copy'],
    );
    assert.deepEqual(
      (await dst.settledRequests()).filter((r) => r.method !== 'HEAD' && r.method !== 'GET'),
      [],
    );
  });
});
