// `npm run bundle`: the action (dist/) and the command line (dist/cli/) as ncc bundles of the
// compiled src (run `npm run build` first; the npm script does).
//
// One module is replaced while bundling. @actions/http-client (under @actions/core and
// @actions/cache) imports undici's package root for its ProxyAgent alone, and that root loads all
// of undici as the process starts: fetch, WebSocket, EventSource, caches, mocks. About 40 ms of
// every action start, and 700 KB of code. ncc takes no resolver settings, so for the bundle's
// build only, a package in @actions/http-client's own node_modules takes undici's name there and
// hands over undici's ProxyAgent module; it is removed again afterwards, whatever happens.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'package.json'));
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

const nested = join(root, 'node_modules', '@actions', 'http-client', 'node_modules');
const shim = join(nested, 'undici');
if (existsSync(shim)) {
  // package.json's overrides give @actions/http-client the project's undici; a copy of its own here means node_modules is stale.
  console.error(`${shim} exists, but package.json's overrides give @actions/http-client the project's undici: run npm ci`);
  process.exit(1);
}
const proxyAgent = require.resolve('undici/lib/dispatcher/proxy-agent.js');
const undici = join(proxyAgent, '..', '..', '..');

rmSync(join(root, 'dist'), { recursive: true, force: true });
const createdNested = !existsSync(nested);
try {
  mkdirSync(shim, { recursive: true });
  // Its code is undici's: undici's license goes into licenses.txt under its name, as before.
  writeFileSync(
    join(shim, 'package.json'),
    `${JSON.stringify({ name: 'undici', version: '0.0.0-proxy-agent', license: 'MIT', main: 'index.js' }, null, 2)}\n`,
  );
  copyFileSync(join(undici, 'LICENSE'), join(shim, 'LICENSE'));
  writeFileSync(
    join(shim, 'index.js'),
    `'use strict';\n// undici's ProxyAgent alone, for @actions/http-client (scripts/bundle.mjs).\nexports.ProxyAgent = require(${JSON.stringify(proxyAgent)});\n`,
  );
  execFileSync(process.execPath, [ncc, 'build', 'lib/src/index.js', '-o', 'dist', '--license', 'licenses.txt'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [ncc, 'build', 'lib/src/cli/index.js', '-o', 'dist/cli'], { cwd: root, stdio: 'inherit' });
} finally {
  rmSync(createdNested ? nested : shim, { recursive: true, force: true });
}
