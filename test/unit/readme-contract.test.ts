import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Input, Output } from '../../src/settings/names.js';
import { MAX_GRAPH_DEPTH, MAX_GRAPH_NODES, MAX_HELD_MANIFEST_BYTES, MAX_REFERRER_GENERATIONS } from '../../src/copy/limits.js';
import { MAX_MANIFEST_BYTES } from '../../src/oci/media-types.js';
import { MAX_LINK_HOPS } from '../../src/targets/archive/entry-links.js';
import { DEFAULT_RETRY } from '../../src/targets/registry/http.js';
import { MAX_TAG_PAGES } from '../../src/targets/registry/tags.js';
import { MAX_CHUNK_BYTES } from '../../src/targets/registry/upload.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface ActionYaml {
  runs: { using: string; main: string };
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
}

describe('the public contract is the same in code, action.yml and README.md', () => {
  it('action.yml declares exactly the inputs and outputs the code names, and runs on node24', async () => {
    const action = parse(await readFile(`${root}action.yml`, 'utf8')) as ActionYaml;
    assert.equal(action.runs.using, 'node24');
    assert.equal(action.runs.main, 'dist/index.js');
    assert.deepEqual(Object.keys(action.inputs).sort(), Object.values(Input).sort());
    assert.deepEqual(Object.keys(action.outputs).sort(), Object.values(Output).sort());
  });

  it('action.yml names every transport a reference takes, docker-archive: too, for source and destination', async () => {
    const action = parse(await readFile(`${root}action.yml`, 'utf8')) as { inputs: Record<string, { description: string }> };
    for (const transport of ['docker://', 'oci:', 'oci-archive:', 'docker-archive:'])
      assert.ok(action.inputs.source.description.includes(transport), `source names ${transport}`);
    assert.match(action.inputs.destination.description, /in the same forms/);
    assert.ok(
      action.inputs.destination.description.includes('docker-archive:PATH[:NAME:TAG]'),
      'destination names docker-archive: with how it is named',
    );
  });

  it('README.md documents every input and output in its tables', async () => {
    const readme = await readFile(`${root}README.md`, 'utf8');
    for (const name of [...Object.values(Input), ...Object.values(Output)]) {
      assert.match(readme, new RegExp(`^\\| [^|]*\`${name}\`[^|]*\\|`, 'm'), `README.md has a table row for ${name}`);
    }
  });

  it('README.md gives the two set-up commands that CI and a new user run', async () => {
    const readme = await readFile(`${root}README.md`, 'utf8');
    const ci = await readFile(`${root}.ci/run`, 'utf8');
    assert.match(readme, /^npm run demo\b/m);
    assert.match(readme, /^npm ci && npm test\b/m);
    assert.match(ci, /^npm ci && npm test$/m, '.ci/run runs the README test command');
  });

  it('README.md lists every limit with the value the code has', async () => {
    const readme = await readFile(`${root}README.md`, 'utf8');
    const MiB = 1024 * 1024;
    const rows: Array<[string, string]> = [
      ['graph depth', `${MAX_GRAPH_DEPTH} levels`],
      ['nodes per copy', MAX_GRAPH_NODES.toLocaleString('en')],
      ['referrer generations', String(MAX_REFERRER_GENERATIONS)],
      ['manifest size', `${MAX_MANIFEST_BYTES / MiB} MiB`],
      ['manifest bytes held', `${MAX_HELD_MANIFEST_BYTES / MiB} MiB`],
      ['one wait', `${DEFAULT_RETRY.maxWaitMs / 1000} s`],
      ['upload chunk', `${MAX_CHUNK_BYTES / MiB} MiB`],
      ['tag list pages', MAX_TAG_PAGES.toLocaleString('en')],
      ['links followed', String(MAX_LINK_HOPS)],
    ];
    for (const [limit, value] of rows) {
      assert.match(readme, new RegExp(`^\\| ${limit} \\| ${value}[ |]`, 'm'), `README.md's Limits table gives ${limit} as ${value}`);
    }
  });
});
