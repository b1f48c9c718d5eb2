// The job summary of a promotion, as the bundled action writes it after a real run: a signed
// two-platform image to three destinations, one of them down. What a release engineer reads first
// must be right: the root and its tags, what a moved tag named, each platform, the referrers by
// kind, totals whose shares add up, and the failed destination with its error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatBytes } from '../../src/job/outcome/copy-report.js';
import { startPromotionScenario, type PromotionScenario } from '../support/promotion-scenario.js';
import type { ActionRun } from '../support/run-action.js';

const code = (s: string) => `<code>${s}</code>`;
const re = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));

describe('the job summary of a promotion', () => {
  let scenario: PromotionScenario;
  let run: ActionRun;

  before(async () => {
    scenario = await startPromotionScenario();
    run = await scenario.run();
  });
  after(async () => scenario?.stop());

  it('fails the step naming the one destination that failed, after writing the others', () => {
    assert.equal(run.code, 1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    assert.equal(errors.length, 1);
    assert.match(errors[0], re(`::error::1 of 3 destinations failed: ${scenario.down}/release/app:1.2.0: `));
    const images = JSON.parse(run.outputs.images) as Array<{ status: string }>;
    assert.deepEqual(
      images.map((i) => i.status),
      ['copied', 'copied', 'failed'],
    );
    assert.equal(run.outputs.digest, scenario.image.root.digest);
    const blobs = JSON.parse(run.outputs.blobs) as Array<{ destination: string }>;
    assert.deepEqual(
      new Set(blobs.map((b) => b.destination)),
      new Set([`${scenario.dst.host}/release/app:1.2.0,latest`, `${scenario.src.host}/release/app:1.2.0`]),
    );
  });

  it('says on top what every destination got, then a section each, the failure with its error', () => {
    const md = run.summary;
    assert.match(md, re(`**2 of 3 destinations got** ${code(scenario.image.root.digest)}, 1 failed`));
    assert.equal((md.match(/^### Copy: /gm) ?? []).length, 2);
    assert.match(
      md,
      re(`### ❌ Failed: copy ${code(`${scenario.src.host}/acme/app:1.2.0`)} → ${code(`${scenario.down}/release/app:1.2.0`)}`),
    );
    assert.match(md, /<pre>resolving 127\.0\.0\.1:\d+\/release\/app:1\.2\.0: cannot reach /);
  });

  it('leads with the root, its tags and the tag that moved', () => {
    const md = run.summary;
    assert.match(
      md,
      re(
        `**${code(scenario.image.root.digest)}** · OCI image index · ${formatBytes(scenario.image.root.size)} · tagged ${code('1.2.0')}, ${code('latest')}`,
      ),
    );
    assert.match(md, re(`- tag ${code('latest')} moved from ${code(scenario.older.root.digest)} to ${code(scenario.image.root.digest)}`));
  });

  it('lists each platform with its manifest digest and image size', () => {
    for (const m of scenario.image.manifests) {
      const platform = [m.descriptor.platform!.os, m.descriptor.platform!.architecture, m.descriptor.platform!.variant]
        .filter(Boolean)
        .join('/');
      const bytes = m.descriptor.size + m.config.size + m.layers.reduce((s, l) => s + l.size, 0);
      assert.match(run.summary, re(`| ${code(platform)} | ${code(m.descriptor.digest)} | ${formatBytes(bytes)} |`), platform);
    }
    assert.match(run.summary, /\| 2 platforms \| manifest \| image size \|/);
  });

  it('counts the referrers by kind', () => {
    assert.match(
      run.summary,
      re('**Referrers:** 2 found (1 × SBOM (application/spdx+json), 1 × signature (cosign)): 2 copied, 0 already there'),
    );
  });

  it('gives totals whose shares add up, and a rate only where bytes travelled', () => {
    const sections = run.summary.split(/^### /m).filter((s) => s.startsWith('Copy: '));
    for (const section of sections) {
      const shares = [
        ...section.matchAll(/^\| (?:copied|mounted from other repositories|already there) \| \d+ \| [^|]+ \| ([^|]+) \|$/gm),
      ].map((m) => m[1].trim());
      assert.equal(shares.length, 3, section);
      const whole = shares.filter((s) => /^\d+%$/.test(s)).map((s) => Number(s.slice(0, -1)));
      if (whole.length === 3)
        assert.equal(
          whole.reduce((a, b) => a + b, 0),
          100,
          shares.join(' '),
        );
      else assert.ok(shares.some((s) => s === '<1%') && shares.some((s) => s === '>99%'), shares.join(' '));
    }
    // The second destination is on the source's registry: mounts do the work, a few manifests travel.
    assert.match(sections[1], /\| mounted from other repositories \| [1-9]\d* \| /);
    assert.doesNotMatch(sections[1], /\/s\./);
  });

  it('groups the nodes under their platform manifest, then the index, then the referrers', () => {
    const table = run.summary.split('### ')[1];
    const groups = [...table.matchAll(/^\| \*\*([^*]+)\*\* \| /gm)].map((m) => m[1]);
    assert.deepEqual(groups, ['linux/amd64', 'linux/arm64/v8', 'index', 'referrers']);
    const amd64 = scenario.image.manifests[0];
    const rows = table.split('\n').filter((l) => l.startsWith('| '));
    const at = rows.findIndex((l) => l.startsWith('| **linux/amd64** |'));
    assert.match(rows[at], re(code(`${amd64.descriptor.digest.slice(0, 19)}…`)));
    assert.match(rows[at + 1], re(code(`${amd64.config.digest.slice(0, 19)}…`)));
  });

  it('a re-run that finds everything there says so, and moves nothing', async () => {
    const again = await scenario.run({ destination: `${scenario.dst.host}/release/app:1.2.0,latest` });
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.summary, /^### Unchanged: /m);
    assert.match(
      again.summary,
      re('**Referrers:** 2 found (1 × SBOM (application/spdx+json), 1 × signature (cosign)): 0 copied, 2 already there'),
    );
    assert.match(again.summary, /Everything was already there, the referrers too: nothing was written\./);
    assert.doesNotMatch(again.summary, /moved from/);
  });
});
