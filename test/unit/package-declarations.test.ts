import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function declarationFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await declarationFiles(path)));
    else if (entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe("the library's type declarations (lib/src/**/*.d.ts, what npm ships)", () => {
  it('name only node: modules and dependencies that carry their own types: a user installs no @types package', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const wrong: string[] = [];
    const files = await declarationFiles(join(ROOT, 'lib', 'src'));
    assert.ok(
      files.some((f) => f.endsWith('lib.d.ts')),
      'the build wrote the declarations',
    );
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
        const specifier = m[1];
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        const name = packageOf(specifier);
        const where = relative(ROOT, file);
        if (!Object.hasOwn(pkg.dependencies, name)) {
          wrong.push(`${where} imports ${specifier}, which is no dependency`);
          continue;
        }
        const dep = JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
          types?: string;
          typings?: string;
          exports?: unknown;
        };
        if (!dep.types && !dep.typings && !JSON.stringify(dep.exports ?? '').includes('"types"'))
          wrong.push(`${where} imports ${specifier}, whose types come from @types/${name.replace('@', '').replace('/', '__')}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
