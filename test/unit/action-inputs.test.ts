import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInputs } from '../../src/action/inputs.js';
import { InputError } from '../../src/oci/errors.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('action inputs', () => {
  it('parses defaults and per-side credentials', () => {
    const inputs = parseInputs(
      reader({
        source: 'ghcr.io/o/a:1',
        destination: 'oci:out',
        username: 'u',
        password: 'p',
        'destination-username': 'd',
        'destination-password': 'dp',
      }),
    );
    assert.deepEqual(inputs.operations, ['export']);
    assert.deepEqual(inputs.sourceCredentials, { username: 'u', password: 'p', from: 'the username and password inputs' });
    assert.deepEqual(inputs.destinationCredentials, {
      username: 'd',
      password: 'dp',
      from: 'the destination-username and destination-password inputs',
    });
    assert.equal(inputs.tlsVerify, true);
    assert.equal(inputs.caFile, undefined);
    assert.equal(inputs.concurrency, 8);
    assert.equal(inputs.mount, true);
    assert.equal(inputs.blobCache, true);
    assert.equal(inputs.dryRun, false);
  });

  it('infers import and copy', () => {
    assert.equal(parseInputs(reader({ source: 'oci-archive:x.tar', destination: 'ghcr.io/o/a' })).operations[0], 'import');
    assert.equal(parseInputs(reader({ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b' })).operations[0], 'copy');
  });

  it('takes several destinations, one per line', () => {
    const inputs = parseInputs(reader({ source: 'ghcr.io/o/a:1', destination: 'ghcr.io/o/b\n  oci-archive:out.tar\n\n' }));
    assert.deepEqual(
      inputs.destinations.map((d) => d.transport),
      ['registry', 'oci-archive'],
    );
    assert.deepEqual(inputs.operations, ['copy', 'export']);
  });

  it('takes one platform, or a list of several separated by commas or new lines, each once', () => {
    const base = { source: 'ghcr.io/o/a:1', destination: 'ghcr.io/o/b' };
    assert.deepEqual(parseInputs(reader({ ...base, platform: 'linux/arm64' })).platform, { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parseInputs(reader({ ...base, platform: ' linux/amd64, linux/arm/v7\nlinux/amd64 ,' })).platform, [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ]);
    assert.deepEqual(
      parseInputs(reader({ ...base, platform: 'linux/amd64,' })).platform,
      { os: 'linux', architecture: 'amd64' },
      'a list of one is one platform',
    );
    assert.equal(parseInputs(reader(base)).platform, undefined);
  });

  it('no-clobber is off unless asked', () => {
    const base = { source: 'ghcr.io/o/a:1', destination: 'ghcr.io/o/b' };
    assert.equal(parseInputs(reader(base)).noClobber, false);
    assert.equal(parseInputs(reader({ ...base, 'no-clobber': 'true' })).noClobber, true);
  });

  it('takes lock-file as given and locked off unless asked', () => {
    const base = { source: 'ghcr.io/o/a:1', destination: 'ghcr.io/o/b' };
    assert.deepEqual([parseInputs(reader(base)).lockFile, parseInputs(reader(base)).locked], [undefined, false]);
    const locked = parseInputs(reader({ ...base, 'lock-file': ' .github/a.lock.json ', locked: 'true' }));
    assert.deepEqual([locked.lockFile, locked.locked], ['.github/a.lock.json', true]);
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [
      { source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', locked: 'true' },
      /^input "locked" copies what a lock names, and input "lock-file" is not given: name the lock file/,
    ],
    [
      { source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', 'lock-file': 'l.json', locked: 'yes please' },
      /^input "locked" is "yes please": use true or false$/,
    ],
    [{ destination: 'ghcr.io/o/a' }, /^input "source" is required/],
    [
      { source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', concurrency: 'many' },
      /^input "concurrency" is "many": use a whole number from 1 to 64$/,
    ],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', concurrency: '0' }, /input "concurrency"/],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', mount: 'maybe' }, /^input "mount" is "maybe": use true or false$/],
    [
      { source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', operation: 'import' },
      /^input "operation" is import but registry → registry is copy/,
    ],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', operation: 'move' }, /use auto, copy, import or export/],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', platform: 'linux' }, /input "platform" "linux" is not a platform/],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', platform: 'linux/amd64,linux' }, /input "platform" "linux" is not a platform/],
    [
      { source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', 'no-clobber': 'sometimes' },
      /^input "no-clobber" is "sometimes": use true or false$/,
    ],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', password: 'secret' }, /password is given without a username/],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b\nghcr.io/o/b' }, /lists "ghcr.io\/o\/b" twice/],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', referrers: 'y' }, /input "referrers" is "y"/],
    [{ source: 'nope://x', destination: 'ghcr.io/o/b' }, /^input "source" "nope:\/\/x" has unknown transport/],
    [{ source: 'ghcr.io/o/a', destination: 'ghcr.io/o/b', 'tls-verify': 'nah' }, /^input "tls-verify" is "nah": use true or false$/],
  ];
  for (const [values, message] of bad) {
    it(`rejects ${JSON.stringify(values)}`, () => {
      assert.throws(
        () => parseInputs(reader(values)),
        (err: unknown) => err instanceof InputError && message.test(err.message) && !err.message.includes('secret'),
      );
    });
  }
});
