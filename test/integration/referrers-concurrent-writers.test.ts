import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { encryptCosignKey } from '../support/cosign-key-file.js';
import { pushSubject, runConcurrentWriters } from '../support/concurrent-writers.js';
import { fallbackTag, getManifest, pushReferrer, writeFallbackIndex } from '../support/referrer-artifacts.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { ACTION_COMPILED, runAction } from '../support/run-action.js';

// Twenty processes, each adding its own entry to one list at the same moment, on a registry with
// neither the referrers API nor conditional writes (distribution 2.8): read, merge and write alone
// loses most of them (15 of 20 here), each writer exiting 0. Each writer reads back and merges again.
const WRITERS = 20;
// Parallel jobs of a workflow, each running the action: fewer, as each is a whole job's start-up.
const JOBS = 8;

describe('concurrent writers of one referrers index or .sig tag lose no entry', () => {
  let registry: TestRegistry;
  let home: string;

  before(async () => {
    registry = await startRegistry();
    home = await mkdtemp(join(tmpdir(), 'oci-copy-race-'));
  });
  after(async () => {
    await registry?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it(`${WRITERS} copies of one image, each bringing its own attestation, run at once into one destination: none is lost`, async () => {
    const sources = Array.from({ length: WRITERS }, (_, i) => `race-src/app-${i}`);
    const attestations = await Promise.all(
      sources.map(async (repo, i) => {
        const subject = await pushSubject(registry, repo, 'v1');
        const attestation = await pushReferrer(registry, repo, subject, {
          artifactType: 'application/vnd.example.attestation.v1',
          payload: `attestation of build ${i}`,
        });
        await writeFallbackIndex(registry, repo, subject, [attestation]);
        return { subject, attestation };
      }),
    );
    const subject = attestations[0].subject;
    assert.ok(
      attestations.every((a) => a.subject.digest === subject.digest),
      'every source holds the same image',
    );
    const runs = await Promise.all(
      sources.map((repo) =>
        runCli([`${registry.host}/${repo}:v1`, `${registry.host}/race-dst/app:v1`, '--referrers', '--no-blob-cache'], { home }),
      ),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const index = await getManifest(registry, 'race-dst/app', fallbackTag(subject.digest));
    const listed = new Set((index.doc?.manifests ?? []).map((d) => d.digest));
    const lost = attestations.filter((a) => !listed.has(a.attestation.digest));
    assert.equal(lost.length, 0, `${lost.length} of ${WRITERS} attestations lost from the destination's index`);
    // A copy whose entry another copy dropped merged it back and said so in its log.
    const said = runs.filter((r) => /lost entries to another writer at the same time: merged and written again/.test(r.stdout + r.stderr));
    assert.ok(said.length > 0, 'no copy said it merged the index again');
  });

  it(`${JOBS} action steps at once, each bringing its own attestation of one image, then each signing it with its own key: none is lost`, async () => {
    const sources = Array.from({ length: JOBS }, (_, i) => `jobs-src/app-${i}`);
    const attestations = await Promise.all(
      sources.map(async (repo, i) => {
        const subject = await pushSubject(registry, repo, 'v1');
        const attestation = await pushReferrer(registry, repo, subject, {
          artifactType: 'application/vnd.example.attestation.v1',
          payload: `attestation of job ${i}`,
        });
        await writeFallbackIndex(registry, repo, subject, [attestation]);
        return { subject, attestation };
      }),
    );
    const subject = attestations[0].subject;
    const destination = `${registry.host}/jobs-dst/app:v1`;
    const copies = await Promise.all(
      sources.map((repo) =>
        runAction({ source: `${registry.host}/${repo}:v1`, destination, referrers: 'true', 'blob-cache': 'false' }, {}, ACTION_COMPILED),
      ),
    );
    for (const run of copies) assert.equal(run.code, 0, run.stdout + run.stderr);
    const index = await getManifest(registry, 'jobs-dst/app', fallbackTag(subject.digest));
    const listed = new Set((index.doc?.manifests ?? []).map((d) => d.digest));
    assert.equal(attestations.filter((a) => !listed.has(a.attestation.digest)).length, 0, 'attestations lost from the index');

    // Each job signs the digest now there with its own key, in the legacy form: one .sig tag, a layer each.
    const password = 'jobs';
    const signs = await Promise.all(
      Array.from({ length: JOBS }, () =>
        runAction(
          {
            source: `${registry.host}/jobs-src/app-0:v1`,
            destination,
            sign: 'key',
            'sign-key': encryptCosignKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, password, 32768),
            'sign-key-password': password,
            'signature-format': 'legacy',
            'blob-cache': 'false',
          },
          {},
          ACTION_COMPILED,
        ),
      ),
    );
    for (const run of signs) assert.equal(run.code, 0, run.stdout + run.stderr);
    const signatures = signs.map(
      (run) => (JSON.parse(run.outputs.verification) as Array<{ signed?: { state: string } }>)[0]?.signed?.state,
    );
    assert.deepEqual(signatures, Array(JOBS).fill('signed'), 'each job signed');
    const sig = (await getManifest(registry, 'jobs-dst/app', `${fallbackTag(subject.digest)}.sig`)).doc as { layers?: unknown[] };
    assert.equal(sig.layers?.length, JOBS, `the .sig manifest holds ${sig.layers?.length} of ${JOBS} signature layers`);
  });

  it(`the sha256-<hex> index lists the referrers of all ${WRITERS} processes, and a writer that merged again says so`, async () => {
    const run = await runConcurrentWriters(registry, 'race/referrers', 'referrer', WRITERS);
    assert.deepEqual(run.failures, []);
    assert.equal(run.added.length, WRITERS);
    assert.equal(new Set(run.added).size, WRITERS);
    assert.equal(run.listed.length, WRITERS, `the index lists ${run.listed.length} of ${WRITERS} referrers`);
    // Writing at once, some writer's entry was dropped by another and merged back, and it said so.
    assert.ok(run.merged > 0, 'no writer had to merge: the writers did not race');
    for (const note of run.notes) {
      assert.match(note, /^the referrers index 127\.0\.0\.1:\d+\/race\/referrers:sha256-[0-9a-f]{64} of sha256:[0-9a-f]{64} lost entries/);
      assert.match(note, /merged and written again \((once|\d+ times)\); it lists all \d+$/);
    }
  });

  it(`the .sig tag holds the signature layers of all ${WRITERS} signers`, async () => {
    const run = await runConcurrentWriters(registry, 'race/signatures', 'sig', WRITERS);
    assert.deepEqual(run.failures, []);
    assert.equal(new Set(run.added).size, WRITERS);
    assert.equal(run.listed.length, WRITERS, `the .sig manifest holds ${run.listed.length} of ${WRITERS} signature layers`);
    assert.ok(run.merged > 0, 'no signer had to merge: the signers did not race');
  });
});
