import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseSyncEntries } from '../../src/plan/entries.js';
import { loadWorkflowParser, type WorkflowParser } from '../support/workflow-parser.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ACTION = /^(oci-copy\/oci-copy@|\.\/?$)/;
const REUSABLE = /^oci-copy\/oci-copy\/\.github\/workflows\/oci-copy\.yml@/;

/** A YAML example: where it is, and the workflow GitHub would be given for it. */
interface Example {
  where: string;
  /** A whole workflow, or the example wrapped in the least that makes one. */
  workflow?: string;
  /** An `images` list (an `images-file`), read by oci-copy's own list reader. */
  images?: string;
}

const indent = (text: string, by: number) => text.replace(/^(?=.)/gm, ' '.repeat(by));
const dedent = (text: string) => {
  const width = Math.min(
    ...text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => /^ */.exec(l)![0].length),
  );
  return text.replace(new RegExp(`^ {0,${width}}`, 'gm'), '');
};
const WORKFLOW_HEAD = 'on: push\njobs:\n';
const STEPS_HEAD = `${WORKFLOW_HEAD}  example:\n    runs-on: ubuntu-latest\n    steps:\n`;

/** Top-level keys of a YAML text (comments and list items aside). */
const topKeys = (text: string) => [...text.matchAll(/^([A-Za-z_][\w-]*):/gm)].map((m) => m[1]);

/**
 * Turns one example into what GitHub parses: a workflow as it is; `jobs:` alone under `on: push`; a list
 * of steps (or a step's `with:` keys, when every key is an input of the action) inside a job; a mapping
 * of jobs under `jobs:`. A list of `source:` entries is an `images` list.
 */
function classify(where: string, raw: string, inputs: Set<string>): Example {
  const text = dedent(raw);
  const body = text.replace(/^#.*\n/gm, '');
  const keys = topKeys(body);
  if (/^- source:/m.test(body) && !/^- (uses|run|id|name):/m.test(body)) return { where, images: text };
  if (/^- /.test(body)) return { where, workflow: STEPS_HEAD + indent(text, 6) };
  if (keys.includes('on')) return { where, workflow: text };
  if (keys.includes('jobs')) return { where, workflow: `on: push\n${text}` };
  if (keys.length && keys.every((k) => inputs.has(k))) {
    return { where, workflow: `${STEPS_HEAD}      - uses: oci-copy/oci-copy@v1\n        with:\n${indent(text, 10)}` };
  }
  return { where, workflow: WORKFLOW_HEAD + indent(text, 2) };
}

/** Every fenced YAML block of a Markdown file, with the line its fence opens on. */
function markdownBlocks(path: string, text: string): { where: string; text: string }[] {
  const blocks: { where: string; text: string }[] = [];
  const fence = /^( *)```ya?ml\n([\s\S]*?)^\1```$/gm;
  for (const m of text.matchAll(fence)) blocks.push({ where: `${path} line ${text.slice(0, m.index).split('\n').length}`, text: m[2] });
  return blocks;
}

/** The indented YAML in a workflow's leading comment (`#   jobs:` …), one example per run of such lines. */
function commentBlocks(path: string, text: string): { where: string; text: string }[] {
  const blocks: { where: string; text: string }[] = [];
  let current: string[] = [];
  let start = 0;
  const flush = () => {
    if (current.length) blocks.push({ where: `${path} comment at line ${start}`, text: `${current.join('\n')}\n` });
    current = [];
  };
  for (const [i, line] of text.split('\n').entries()) {
    if (!/^# {3}/.test(line)) {
      flush();
      continue;
    }
    if (!current.length) start = i + 1;
    current.push(line.slice(1));
  }
  flush();
  return blocks;
}

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  steps?: Step[];
}

/** A workflow's jobs as plain YAML reads them (none when it is not YAML: the parser's test says so). */
function jobsOf(workflow: string): Record<string, Job> {
  try {
    return (parse(workflow) as { jobs?: Record<string, Job> }).jobs ?? {};
  } catch {
    return {};
  }
}

describe('every YAML example is a workflow GitHub accepts, and names only inputs oci-copy has', () => {
  let parser: WorkflowParser;
  let inputs: Set<string>;
  let callInputs: Set<string>;
  let callSecrets: Set<string>;
  const examples: Example[] = [];

  before(async () => {
    parser = await loadWorkflowParser();
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
    inputs = new Set(Object.keys(action.inputs));
    const reusable = await readFile(join(ROOT, '.github/workflows/oci-copy.yml'), 'utf8');
    const call = (parse(reusable) as { on: { workflow_call: { inputs: object; secrets: object } } }).on.workflow_call;
    callInputs = new Set(Object.keys(call.inputs));
    callSecrets = new Set(Object.keys(call.secrets));

    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    for (const b of markdownBlocks('README.md', readme)) examples.push(classify(b.where, b.text, inputs));
    const dir = join(ROOT, '.github/workflows');
    for (const name of (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const path = `.github/workflows/${name}`;
      const text = await readFile(join(dir, name), 'utf8');
      examples.push({ where: path, workflow: text });
      for (const b of commentBlocks(path, text)) examples.push(classify(b.where, b.text, inputs));
    }
  });
  after(() => parser?.close());

  it("GitHub's parser is the one that rejects ${{ }} in a flow mapping", () => {
    const bad = `${STEPS_HEAD}      - uses: docker/login-action@v3\n        with: { registry: ghcr.io, username: \${{ github.actor }} }\n`;
    assert.notDeepEqual(parser.workflowErrors('bad.yml', bad), []);
    const good = `${STEPS_HEAD}      - uses: docker/login-action@v3\n        with: { registry: ghcr.io, username: '\${{ github.actor }}' }\n`;
    assert.deepEqual(parser.workflowErrors('good.yml', good), []);
  });

  it('finds the README blocks, the workflows and the examples in their comments', () => {
    assert.ok(examples.filter((e) => e.where.startsWith('README.md')).length >= 14, 'README.md has its YAML blocks');
    assert.ok(
      examples.some((e) => e.where.includes('oci-copy.yml comment')),
      "the reusable workflow's own example",
    );
    assert.ok(
      examples.some((e) => e.images),
      'an images list',
    );
  });

  it('action.yml is an action GitHub accepts', async () => {
    assert.deepEqual(parser.actionErrors('action.yml', await readFile(join(ROOT, 'action.yml'), 'utf8')), []);
  });

  it('each workflow example parses without errors', () => {
    const failures = examples
      .filter((e) => e.workflow !== undefined)
      // The first error of each (the parser names the example and the line of the wrapped text).
      .flatMap((e) =>
        parser
          .workflowErrors(e.where, e.workflow!)
          .slice(0, 1)
          .map((m) => m.split('\n')[0]),
      );
    assert.deepEqual(failures, []);
  });

  it("each oci-copy step passes only action.yml's inputs; each call of the reusable workflow only its inputs and secrets", () => {
    const wrong: string[] = [];
    for (const e of examples.filter((x) => x.workflow !== undefined)) {
      for (const [id, job] of Object.entries(jobsOf(e.workflow!))) {
        if (job.uses && REUSABLE.test(job.uses)) {
          for (const k of Object.keys(job.with ?? {}))
            if (!callInputs.has(k)) wrong.push(`${e.where}, job ${id}: the reusable workflow has no input "${k}"`);
          for (const k of Object.keys(job.secrets ?? {}))
            if (!callSecrets.has(k)) wrong.push(`${e.where}, job ${id}: the reusable workflow has no secret "${k}"`);
        }
        for (const step of job.steps ?? []) {
          if (!step.uses || !ACTION.test(step.uses)) continue;
          for (const k of Object.keys(step.with ?? {}))
            if (!inputs.has(k)) wrong.push(`${e.where}, job ${id}: action.yml has no input "${k}"`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("each images list, a file's or a step's, is one oci-copy's list reader takes", () => {
    const lists = examples.filter((e) => e.images !== undefined);
    for (const e of examples.filter((x) => x.workflow !== undefined)) {
      for (const [id, job] of Object.entries(jobsOf(e.workflow!))) {
        for (const step of job.steps ?? []) {
          const images = step.uses && ACTION.test(step.uses) ? step.with?.images : undefined;
          if (typeof images === 'string' && !images.includes('${{')) lists.push({ where: `${e.where}, job ${id}, input images`, images });
        }
      }
    }
    assert.ok(lists.length >= 3, 'the lists inside steps are read too');
    // The key files entries name are not in the repository: every path reads as a public key (the
    // text of a signing key is kept, not decrypted, while the list is read).
    const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const failures: string[] = [];
    for (const e of lists) {
      try {
        parseSyncEntries(e.images!, e.where, { env: { COSIGN_PASSWORD: 'x' }, readFile: () => publicKey });
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    assert.deepEqual(failures, []);
  });
});
