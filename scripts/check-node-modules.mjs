// Runs before every build: a checkout whose package-lock.json moved on since the last `npm ci`
// (a pull that added a package) would otherwise fail deep in tsc or ncc with an error about a
// missing declaration file. This says what is out of date and the one command that mends it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const wrong = [];
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  // The root, linked workspaces, and optional packages (built for other platforms) are not checked.
  if (!path.startsWith('node_modules/') || entry.link || entry.optional) continue;
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  let installed;
  try {
    installed = JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8')).version;
  } catch {
    wrong.push(`${name} is missing`);
    continue;
  }
  if (entry.version && installed !== entry.version) wrong.push(`${name} is ${installed}, the lock says ${entry.version}`);
}
if (wrong.length) {
  const shown = wrong.slice(0, 3).join('; ') + (wrong.length > 3 ? `; and ${wrong.length - 3} more` : '');
  console.error(`node_modules does not match package-lock.json (${shown}): run npm ci`);
  process.exit(1);
}
