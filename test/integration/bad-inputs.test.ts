// Bad inputs to the bundled action: each fails the step with one `::error::` line naming the input
// and the accepted forms, before any request reaches the registry the references point at.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';

const PASSWORD = 'bad-inputs-secret-0c41';

describe('bad inputs to the bundled action', () => {
  let registry: TestRegistry;
  let host: string;

  before(async () => {
    registry = await startRegistry();
    host = registry.host;
  });

  after(async () => {
    await registry?.stop();
  });

  /** [what, inputs (HOST is the test registry), the one error line]. */
  const table: Array<[string, (host: string) => Record<string, string>, RegExp]> = [
    ['no source', (h) => ({ destination: `${h}/dst/app` }), /^input "source" is required: give a reference/],
    [
      'an upper-case repository',
      (h) => ({ source: `${h}/Team/App:v1`, destination: `${h}/dst/app` }),
      /^input "source" ".*\/Team\/App:v1" has an invalid repository name "Team\/App": .*use \[docker/,
    ],
    [
      'a reference with white space',
      (h) => ({ source: `${h}/team/app:v1 latest`, destination: `${h}/dst/app` }),
      /^input "source" ".*" contains white space: /,
    ],
    [
      'an invalid tag',
      (h) => ({ source: `${h}/team/app:-v1`, destination: `${h}/dst/app` }),
      /^input "source" ".*" has an invalid tag "-v1": tags are 1-128 of/,
    ],
    [
      'an invalid digest',
      (h) => ({ source: `${h}/team/app@sha256:abc`, destination: `${h}/dst/app` }),
      /^input "source" ".*" has an invalid digest "sha256:abc": expected sha256:<64 hex>$/,
    ],
    [
      'a port out of range',
      (h) => ({ source: `127.0.0.1:99999/team/app:v1`, destination: `${h}/dst/app` }),
      /^input "source" "127\.0\.0\.1:99999\/team\/app:v1" has an invalid registry host/,
    ],
    [
      'an unknown transport',
      (h) => ({ source: `${h}/team/app:v1`, destination: `s3://${h}/dst/app` }),
      /^input "destination" "s3:\/\/.*" has unknown transport "s3": /,
    ],
    [
      'a destination listed twice',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app\n${h}/dst/app` }),
      /^input "destination" lists ".*\/dst\/app" twice: give each destination once$/,
    ],
    [
      'a word for a number',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, concurrency: 'lots' }),
      /^input "concurrency" is "lots": use a whole number from 1 to 64$/,
    ],
    [
      'a number out of range',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, concurrency: '65' }),
      /^input "concurrency" is "65": use a whole number from 1 to 64$/,
    ],
    [
      'a fraction',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, concurrency: '1.5' }),
      /^input "concurrency" is "1\.5": use a whole number from 1 to 64$/,
    ],
    [
      'a bad boolean',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, mount: 'maybe' }),
      /^input "mount" is "maybe": use true or false$/,
    ],
    [
      'a bad plain-http',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, 'plain-http': 'yes please' }),
      /^input "plain-http" is "yes please": use true or false$/,
    ],
    [
      'a bad dry-run',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, 'dry-run': '2' }),
      /^input "dry-run" is "2": use true or false$/,
    ],
    [
      'a platform without architecture',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, platform: 'linux' }),
      /^input "platform" "linux" is not a platform: use OS\/ARCH\[\/VARIANT\]/,
    ],
    [
      'a platform with too many parts',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, platform: 'linux/arm64/v8/x' }),
      /^input "platform" "linux\/arm64\/v8\/x" is not a platform/,
    ],
    [
      'a bad platform in a list',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, platform: 'linux/amd64,arm64' }),
      /^input "platform" "arm64" is not a platform: use OS\/ARCH\[\/VARIANT\]/,
    ],
    [
      'a bad no-clobber',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, 'no-clobber': 'always' }),
      /^input "no-clobber" is "always": use true or false$/,
    ],
    [
      'an unknown operation',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, operation: 'move' }),
      /^input "operation" is "move": use auto, copy, import, export, verify or sign$/,
    ],
    [
      'an operation that does not fit',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, operation: 'export' }),
      /^input "operation" is export but registry → registry is copy: export writes a registry source to an oci:, oci-archive: or docker-archive: destination; use auto$/,
    ],
    [
      'a password without a username',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, password: PASSWORD }),
      /^a password is given without a username: set input "source-username" or input "username"$/,
    ],
    [
      'a destination password without a username',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, 'destination-password': PASSWORD }),
      /^a password is given without a username: set input "destination-username" or input "username"$/,
    ],
    [
      'an archive from standard input',
      (h) => ({ source: 'oci-archive:-', destination: `${h}/dst/app` }),
      /^input "source" names standard input \("oci-archive:-"\), which a workflow step does not have for data: give a file path$/,
    ],
    [
      'an archive to standard output',
      (h) => ({ source: `${h}/team/app:v1`, destination: 'oci-archive:-:v1' }),
      /^input "destination" names standard output \("oci-archive:-"\), which a workflow step does not have for data: give a file path$/,
    ],
    [
      'a blob cache key with a comma',
      (h) => ({ source: `${h}/team/app:v1`, destination: `${h}/dst/app`, 'blob-cache-key': 'a,b' }),
      /^input "blob-cache-key" must be at most 400 characters without commas or white space$/,
    ],
  ];

  for (const [what, inputs, expected] of table) {
    it(`refuses ${what}`, async () => {
      await registry.resetRequests();
      const run = await runAction(inputs(host));
      const output = run.stdout + run.stderr;
      assert.equal(run.code, 1, output);
      const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
      assert.equal(errors.length, 1, output);
      assert.match(errors[0].replace(/^::error::/, ''), expected);
      assert.doesNotMatch(output, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(errors[0], new RegExp(PASSWORD), 'no secret in the error');
      assert.deepEqual(run.outputs, {}, 'no outputs');
      assert.deepEqual(await registry.settledRequests(), [], 'no request reached the registry');
    });
  }
});
