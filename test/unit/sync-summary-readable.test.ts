// What a sync's job summary must keep readable on GitHub's page: no table widened past it by a long
// word (tables scroll sideways there and hide their last columns), statuses that say what was and
// was not checked, and a budget stop whose numbers add up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncSummaryMarkdown } from '../../src/action/sync-summary.js';
import { ItemRecord } from '../../src/job/outcome/item-record.js';
import { itemOutcome } from '../../src/job/outcome/item-outcome.js';
import { jobOutcome, type ItemOutcome, type ItemStatus } from '../../src/job/outcome/outcome.js';
import { PullBudget } from '../../src/job/features/pull-budget/pull-budget.js';
import { checkLines } from '../../src/job/render/checks.js';
import type { ImageVerification } from '../../src/job/checks/signature-gates/names.js';
import { signatureCheck } from '../../src/job/checks/signature-gates/signature-check.js';
import { parseReference } from '../../src/oci/reference.js';

const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';
const ISSUER = 'https://token.actions.githubusercontent.com';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const ROOT = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digest('a'), size: 500 };

/** An item's outcome; `verification`: what the signature check recorded for it. */
function outcome(
  status: ItemStatus,
  tag: string,
  index: number,
  extra: Partial<ItemOutcome> & { verification?: ImageVerification } = {},
  error?: string,
): ItemOutcome {
  const { verification, ...rest } = extra;
  const item = {
    entry: 1,
    source: parseReference(`ghcr.io/acme/app:${tag}`),
    destination: parseReference(`registry.example.com/app:${tag}`),
  };
  const record = new ItemRecord(index, item, 'copy', {});
  record.status = status;
  if (status === 'copied' || (status === 'unchanged' && !extra.reason)) {
    record.resolved = { source: ROOT, root: ROOT };
    record.references = [tag];
  }
  if (error) record.error = new Error(error);
  if (verification) record.checks.add(signatureCheck({}), verification);
  return { ...itemOutcome(record), ...rest };
}

const verified: ImageVerification = {
  digest: ROOT.digest,
  verified: true,
  policy: `identity ${IDENTITY}, issuer ${ISSUER}`,
  signer: { identity: IDENTITY, issuer: ISSUER, workflow: IDENTITY, repository: 'https://github.com/acme/app', commit: 'c0ffee' },
  predicateTypes: [],
  tlogIndex: '42',
  found: [],
};
const REFUSAL = `no signature of ${digest('b')} satisfies the policy: found none (no Sigstore bundle among its referrers, no cosign .sig or .att tag); required identity ${IDENTITY}, issuer ${ISSUER}`;

const markdown = (results: ItemOutcome[]) =>
  syncSummaryMarkdown(jobOutcome('sync', false, results, { plan: { all: results.length }, rateLimits: [], durationMs: 5, warnings: [] }));
/** The longest word in a table row of the summary: a row wider than the page hides its last columns. */
const longestTableWord = (md: string) =>
  Math.max(
    ...md
      .split('\n')
      .filter((l) => l.startsWith('| '))
      .flatMap((l) => l.replace(/<[^>]+>/g, ' ').split(/\s+/))
      .map((w) => w.length),
  );

describe('a sync summary GitHub shows whole', () => {
  it('gives a refusal with an identity URL in full under the table, what was found and what was required, and keeps the rows narrow', () => {
    const refused = outcome('failed', '2.0.0', 0, { refusedBy: 'signature-policy' }, REFUSAL);
    const copied = outcome('copied', '1.0.0', 1, { verification: verified });
    const md = markdown([refused, copied]);
    assert.ok(longestTableWord(md) <= 60, `a table row holds a ${longestTableWord(md)}-character word:\n${md}`);
    // The row names the refusal; the full error, found and required, follows the table.
    assert.match(
      md,
      /\| refused by signature-policy: no signature of sha256:bbbbbbbbbbbb… satisfies the policy \(in full below the table\) \|/,
    );
    assert.ok(md.includes(`- <code>ghcr.io/acme/app:2.0.0</code>: refused by signature-policy: ${REFUSAL}`), md);
    assert.match(md, /\| \*\*failed\*\* \|.*\| error under Failed \|/, 'a failed row says where its error is');
    // The verification is a line under the table, its cell a short mark.
    assert.match(md, /🔏 signature verified \(below\) \|/);
    assert.ok(
      md.includes(`#### Signatures\n\n- 🔏 <code>registry.example.com/app:1.0.0</code>: Verified ${ROOT.digest}: signed by ${IDENTITY}`),
      md,
    );
  });

  it('cuts a long error in its cell at a clause, never inside parentheses', () => {
    const error = `tag 2.0.0 names ${digest('c')} (the source names ${digest('d')}) in registry.example.com/app: run again to copy it`;
    const md = markdown([outcome('failed', '2.0.0', 0, {}, error)]);
    assert.match(
      md,
      /\| tag 2\.0\.0 names sha256:cccccccccccc… \(the source names sha256:dddddddddddd…\) in registry\.example\.com\/app \(in full below the table\) \|/,
    );
    assert.ok(md.includes(`: ${error}`), 'in full below');
  });

  it('shortens the digests of a warning in its cell, cuts one with a long path, and gives both in full under the table', () => {
    const drift = `drift: ghcr.io/acme/app:1.0.0 names ${digest('e')} now (line 3 of the lock mirror.lock.json names ${digest('a')}): the locked digest is copied`;
    const far = `drift: ghcr.io/acme/app:1.1.0 names ${digest('e')} now (line 4 of the lock /home/runner/work/platform/platform/.github/mirror.lock.json names ${digest('a')}): the locked digest is copied`;
    const md = markdown([outcome('copied', '1.0.0', 0, { warnings: [drift] }), outcome('copied', '1.1.0', 1, { warnings: [far] })]);
    assert.ok(longestTableWord(md) <= 60, `a table row holds a ${longestTableWord(md)}-character word:\n${md}`);
    assert.ok(
      md.includes(
        '⚠️ drift: ghcr.io/acme/app:1.0.0 names sha256:eeeeeeeeeeee… now (line 3 of the lock mirror.lock.json names sha256:aaaaaaaaaaaa…): the locked digest is copied (in full below the table) |',
      ),
      md,
    );
    assert.match(md, /⚠️ drift \(in full below the table\) \|/);
    assert.ok(
      md.includes(
        `#### Warnings\n\n- ⚠️ <code>registry.example.com/app:1.0.0</code>: ${drift}\n- ⚠️ <code>registry.example.com/app:1.1.0</code>: ${far}\n`,
      ),
      md,
    );
  });

  it('keeps a short warning whole in its cell, and lists no warnings under the table', () => {
    const md = markdown([outcome('copied', '1.0.0', 0, { warnings: ['platform linux/s390x is not in the index'] })]);
    assert.match(md, /⚠️ platform linux\/s390x is not in the index \|/);
    assert.doesNotMatch(md, /#### Warnings/);
  });

  it('keeps a short error in its cell', () => {
    const md = markdown([outcome('failed', '2.0.0', 0, {}, 'repository acme/app not found')]);
    assert.match(md, /\| repository acme\/app not found \|/);
    assert.doesNotMatch(md, /below the table/);
  });

  it('says an immutable tag was not compared, in its row and in the count', () => {
    const md = markdown([
      outcome('unchanged', 'v1.0.0', 0, { reason: 'immutable' }),
      outcome('unchanged', 'latest', 1),
      outcome('copied', 'v2.0.0', 2),
    ]);
    assert.match(md, /2 unchanged \(1 of them immutable tags, not compared\)/);
    assert.match(md, /\| unchanged \(not compared\) \| <code>ghcr\.io\/acme\/app:v1\.0\.0<\/code>/);
    assert.match(md, /\| unchanged \| <code>ghcr\.io\/acme\/app:latest<\/code>/, 'a compared tag is plainly unchanged');
    assert.doesNotMatch(markdown([outcome('unchanged', 'latest', 0)]), /not compared/);
  });

  it('names the signer once: not again as the workflow, nor as the policy it satisfies', () => {
    const [line] = checkLines(outcome('copied', '1.0.0', 0, { verification: verified }));
    assert.equal(line.split(IDENTITY).length - 1, 1, line);
    assert.match(
      line,
      /; repository https:\/\/github\.com\/acme\/app, commit c0ffee; log index 42 \(the identity and issuer the policy requires\)$/,
    );
    // A reusable workflow signs as itself for another: both are named; a pattern policy is quoted.
    const reusable = {
      ...verified,
      policy: `identity matching /^https:\\/\\/github\\.com\\/acme\\//, issuer ${ISSUER}`,
      signer: { ...verified.signer, workflow: 'https://github.com/acme/app/.github/workflows/ci.yml@refs/heads/main' },
    };
    const [other] = checkLines(outcome('copied', '1.0.0', 0, { verification: reusable }));
    assert.match(other, /; workflow https:\/\/github\.com\/acme\/app\/\.github\/workflows\/ci\.yml@refs\/heads\/main, repository /);
    assert.match(other, /\(policy: identity matching \/\^https:/);
  });
});

describe('a pull budget stop in words', () => {
  it('gives the counts it stopped on, which add up to less than the minimum', () => {
    let remaining = 14;
    const budget = new PullBudget(10, (registry) => ({ registry, remaining, limit: 100, windowSeconds: 21600 }));
    const tickets = [1, 2, 3, 4].map(() => budget.admit('docker.io'));
    assert.ok(tickets.every(Boolean), '14 - 4 = 10: four copies fit');
    assert.equal(budget.admit('docker.io'), undefined);
    assert.equal(
      budget.stopReason('docker.io'),
      'docker.io said 14 pulls left, 4 held for copies still running and 1 needed for the next copy: below min-pulls-left 10',
    );
    // Later the registry's own count reads 10: the line for the run says so, the stop reason stays.
    remaining = 10;
    for (const t of tickets) t!.done();
    assert.equal(budget.describe(2, 6), '2 of 6 images left for the next run (docker.io: 10 of 100 pulls left per 6 h)');
    assert.match(budget.stopReason('docker.io'), /said 14 pulls left/);
  });

  it('a deferred row gives the reason once, not "left for the next run" twice', () => {
    const md = markdown([
      outcome(
        'deferred',
        't5',
        0,
        {},
        'left for the next run: docker.io said 14 pulls left and 1 needed for the next copy: below min-pulls-left 14',
      ),
    ]);
    assert.match(
      md,
      /\| left for the next run \|.*\| docker\.io said 14 pulls left and 1 needed for the next copy: below min-pulls-left 14 \|/,
    );
    assert.equal(
      md
        .split('\n')
        .find((l) => l.startsWith('| left'))!
        .split('left for the next run').length - 1,
      1,
    );
  });
});
