import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The folders of src/ form layers that only point down: no folder imports one that imports it
 * back, however far round, and no shell (the action, the command line, the library) imports
 * another. Read from the TypeScript sources' relative imports, static and dynamic.
 */
const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** The shells, by the part of src/ they live in (`index.ts` is the action's entry). */
const SHELL_OF: Record<string, string> = { action: 'action', 'index.ts': 'action', cli: 'cli', 'lib.ts': 'library' };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A file's part of src/: its top folder, or the file itself when it sits in src/. */
function partOf(path: string): string {
  return relative(SRC, path).split(/[\\/]/)[0];
}

/** part → the parts it imports, each with one file that does, for the message. */
function partImports(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const from = partOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.\.?\/[^']+)'/g)) {
      const to = partOf(resolve(dirname(file), m[1]));
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, relative(SRC, file));
    }
  }
  return edges;
}

/** A path of imports from `start` back to itself, or undefined. */
function cycleThrough(start: string, edges: Map<string, Map<string, string>>): string[] | undefined {
  const seen = new Set<string>();
  const walk = (part: string, path: string[]): string[] | undefined => {
    for (const next of edges.get(part)?.keys() ?? []) {
      if (next === start) return [...path, next];
      if (seen.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
}

describe('layers of src/', () => {
  const edges = partImports();

  it('sees the imports it checks', () => {
    assert.ok(edges.get('plan')?.has('settings'), 'plan/ imports settings/');
    assert.ok(edges.get('cli')?.has('job'), 'cli/ imports job/');
  });

  it('has no folder that imports one that imports it back', () => {
    for (const part of edges.keys()) {
      const cycle = cycleThrough(part, edges);
      const proof = cycle?.slice(1).map((to, i) => `${edges.get(cycle[i])!.get(to)} → ${to}/`);
      assert.equal(cycle, undefined, `a loop ${cycle?.join(' → ')}: ${proof?.join(', ')}`);
    }
  });

  it('has no shell importing another shell', () => {
    for (const [from, targets] of edges) {
      for (const [to, file] of targets) {
        const a = SHELL_OF[from];
        const b = SHELL_OF[to];
        assert.ok(!a || !b || a === b, `${file} (the ${a} shell) imports ${to} (the ${b} shell)`);
      }
    }
  });
});
