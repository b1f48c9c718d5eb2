// Many processes adding to one list at the same moment: N writers (test/support/list-writer.ts),
// each adding its own referrer to a subject's `sha256-<hex>` index, or its own signature layer to
// the subject's cosign `.sig` tag, all told to write at once. What the list holds afterwards is read
// with plain HTTP, not through the code under test.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fallbackTag, getManifest, OCI_MANIFEST, pushBlob, putManifest } from './referrer-artifacts.js';
import type { TestRegistry } from './registry.js';
import { REPO_ROOT } from './run-action.js';

const WRITER = join(REPO_ROOT, 'lib', 'test', 'support', 'list-writer.js');

export type ListKind = 'referrer' | 'sig';

export interface WritersRun {
  /** The digests the writers added (one each). */
  added: string[];
  /** Of those, the ones the list holds afterwards. */
  listed: string[];
  /** Writers that said the list had to be merged again. */
  merged: number;
  /** Every line the writers said about it. */
  notes: string[];
  /** Writers that exited with another status than 0, and what they printed on standard error. */
  failures: string[];
  /** From `go` until the last writer exited. */
  ms: number;
}

/** A small image to refer to, pushed to `repo` under `tag`. */
export async function pushSubject(registry: TestRegistry, repo: string, tag: string) {
  const config = await pushBlob(
    registry,
    repo,
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', tag })),
    'application/vnd.oci.image.config.v1+json',
  );
  const layer = await pushBlob(registry, repo, Buffer.from(`layer of ${tag}`), 'application/vnd.oci.image.layer.v1.tar');
  return putManifest(registry, repo, tag, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }, OCI_MANIFEST);
}

interface Writer {
  ready: Promise<void>;
  done: Promise<{ code: number | null; out: string; err: string }>;
  go(): void;
}

function startWriter(kind: ListKind, registry: string, repository: string, subject: object, name: string): Writer {
  const child = spawn(process.execPath, [WRITER, kind, registry, repository, JSON.stringify(subject), name], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b) => (err += b));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') resolve();
      else out += `${line}\n`;
    });
    child.on('close', () => reject(new Error(`writer ${name} exited before it was ready: ${err.trim()}`)));
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err })),
  );
  child.stdin.on('error', () => {});
  return { ready, done, go: () => child.stdin.write('go\n') };
}

/** Runs `writers` writers of `kind` against `registry/repo`, all ready before any writes, and reads what the list holds. */
export async function runConcurrentWriters(registry: TestRegistry, repo: string, kind: ListKind, writers: number): Promise<WritersRun> {
  const subject = await pushSubject(registry, repo, `subject-${kind}-${Date.now()}`);
  const started = Array.from({ length: writers }, (_, i) => startWriter(kind, registry.host, repo, subject, `writer-${i}`));
  await Promise.all(started.map((w) => w.ready));
  const t0 = Date.now();
  for (const w of started) w.go();
  const ended = await Promise.all(started.map((w) => w.done));
  const ms = Date.now() - t0;
  const failures = ended.filter((e) => e.code !== 0).map((e) => `exit ${e.code}: ${e.err.trim()}`);
  const results = ended
    .filter((e) => e.code === 0)
    .map((e) => JSON.parse(e.out.trim().split('\n').pop()!) as { added: string; merges?: number; notes: string[] });
  const added = results.map((r) => r.added);
  let held: string[] = [];
  if (kind === 'referrer') {
    const index = await getManifest(registry, repo, fallbackTag(subject.digest));
    held = (index.doc?.manifests ?? []).map((d) => d.digest);
  } else {
    const sig = await getManifest(registry, repo, `${fallbackTag(subject.digest)}.sig`);
    held = ((sig.doc as { layers?: { digest: string }[] } | undefined)?.layers ?? []).map((l) => l.digest);
  }
  const notes = results.flatMap((r) => r.notes);
  const merged = results.filter((r) => (r.merges ?? 0) > 0 || r.notes.length > 0).length;
  return { added, listed: added.filter((d) => held.includes(d)), merged, notes, failures, ms };
}
