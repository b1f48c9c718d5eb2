// What the command line says when it is given something it cannot do: one line, in the words of
// its flags, exit status 2, nothing on standard output; and its help and version.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VERSION } from '../../src/version.js';
import { runCli } from '../support/cli.js';

describe('the command line speaks of its flags', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'oci-copy-cli-messages-'));
  });
  after(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  const cases: Array<[string, string[], RegExp, Record<string, string>?]> = [
    ['no arguments', [], /^expected SOURCE and DESTINATION: see oci-copy --help$/],
    ['an empty source and destination', ['', ''], /^SOURCE is empty: use \[docker:\/\/\]HOST/],
    ['an empty destination', ['a/b', ''], /^DESTINATION is empty: give where to copy a\/b to$/],
    [
      'a slash in a tag',
      ['localhost:5000/t/a:bad/tag', 'c/d'],
      /^SOURCE "localhost:5000\/t\/a:bad\/tag" has an invalid tag "bad\/tag": tags are 1-128 of A-Z a-z 0-9 _ \. - and do not start with \. or -$/,
    ],
    ['no destination', ['only-one'], /^expected a DESTINATION after only-one \(or --to DESTINATION\): see oci-copy --help$/],
    ['an unknown flag', ['a/b', 'c/d', '--bogus'], /^--bogus is not an option of oci-copy: see oci-copy --help$/],
    [
      'a mistyped flag',
      ['a/b', 'c/d', '--concurency', '4'],
      /^--concurency is not an option of oci-copy: did you mean --concurrency\? \(see oci-copy --help\)$/,
    ],
    ['a flag without its value', ['a/b', 'c/d', '--concurrency'], /^--concurrency needs a value \(--concurrency N\): see oci-copy --help$/],
    ['a value for a flag that takes none', ['a/b', 'c/d', '--json=yes'], /^--json takes no value: give it alone, or leave it out$/],
    ['a number out of range', ['a/b', 'c/d', '--concurrency', '0'], /^--concurrency is 0: use a whole number from 1 to 64$/],
    ['a word for a number', ['a/b', 'c/d', '--concurrency', 'lots'], /^--concurrency is lots: use a whole number from 1 to 64$/],
    ['a bad --tls-verify', ['a/b', 'c/d', '--tls-verify=maybe'], /^--tls-verify is maybe: use true or false$/],
    [
      'a CA file that is not there',
      ['a/b', 'c/d', '--ca-file', '/nonexistent/ca.pem'],
      /^--ca-file \/nonexistent\/ca\.pem cannot be read \(no such file\): give a file of PEM certificates$/,
    ],
    ['a platform without architecture', ['a/b', 'c/d', '--platform', 'linux'], /^--platform "linux" is not a platform: use OS\/ARCH/],
    ['an operation that does not fit', ['a/b', 'c/d', '--operation', 'export'], /^--operation is export but registry → registry is copy/],
    ['white space in a reference', ['Not A Ref', 'c/d'], /^SOURCE "Not A Ref" contains white space/],
    [
      'a mistyped transport',
      ['oci-achive:app.tar', 'c/d'],
      /^SOURCE "oci-achive:app\.tar" has unknown transport "oci-achive": did you mean oci-archive:\?/,
    ],
    [
      'a skopeo transport',
      ['a/b', 'dir:/tmp/out'],
      /^DESTINATION "dir:\/tmp\/out" uses skopeo's dir: transport, which oci-copy does not have: use oci:PATH/,
    ],
    ['a destination twice', ['a/b', 'c/d', '--to', 'c/d'], /^DESTINATION lists c\/d twice: give each destination once$/],
    ['creds without a user', ['a/b', 'c/d', '--src-creds', ':pw'], /^--src-creds names no user: give --src-creds USER\[:PASSWORD\]$/],
    [
      'a user without a password',
      ['a/b', 'c/d', '--dest-creds', 'bob'],
      /^--dest-creds names user bob but no password: add :PASSWORD, --dest-password-stdin, or set OCI_COPY_DEST_PASSWORD$/,
    ],
    [
      'two users for one side',
      ['a/b', 'c/d', '--dest-creds', 'bob:pw', '--dest-username', 'eve'],
      /^--dest-creds and --dest-username both name the user: give one$/,
    ],
    [
      'a password in a variable without a user',
      ['a/b', 'c/d'],
      /^a password is given in OCI_COPY_SRC_PASSWORD but no user: give --src-creds USER, --src-username USER or OCI_COPY_SRC_USERNAME$/,
      { OCI_COPY_SRC_PASSWORD: 'pw' },
    ],
    [
      'two passwords for one side',
      ['a/b', 'c/d', '--src-creds', 'u:pw', '--src-password-stdin'],
      /^--src-creds gives a password and --src-password-stdin another: give one$/,
    ],
    [
      'both passwords from standard input',
      ['a/b', 'c/d', '--src-password-stdin', '--dest-password-stdin'],
      /^--src-password-stdin and --dest-password-stdin both read standard input: give one/,
    ],
    [
      'a password and an archive on standard input',
      ['oci-archive:-', 'c/d', '--dest-password-stdin'],
      /^--dest-password-stdin reads standard input, which oci-archive:- reads the archive from: give the password in OCI_COPY_DEST_PASSWORD$/,
    ],
    [
      'an empty password on standard input',
      ['a/b', 'c/d', '--dest-username', 'u', '--dest-password-stdin'],
      /^--dest-password-stdin: standard input was empty: pipe the password in$/,
    ],
    [
      '--json with the archive on standard output',
      ['a/b', 'oci-archive:-', '--json'],
      /^--json prints on standard output, which oci-archive:- fills with the archive/,
    ],
    [
      'a proxy variable that is not a URL',
      ['a/b', 'oci:/nonexistent/out'],
      /^environment variable HTTPS_PROXY is not a URL: use http:\/\/HOST:PORT/,
      { HTTPS_PROXY: 'http://[bad' },
    ],
  ];
  for (const [what, args, message, env] of cases) {
    it(`${what}: one line, exit 2`, async () => {
      const run = await runCli(args, { home, env });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      const lines = run.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, run.stderr);
      assert.ok(lines[0].startsWith('oci-copy: '), lines[0]);
      assert.match(lines[0].slice('oci-copy: '.length), message);
      assert.doesNotMatch(run.stderr, /ERR_PARSE_ARGS|at .*\.js:\d+|input "/);
      assert.equal(run.stdout, '');
    });
  }

  it('--version prints the version', async () => {
    for (const args of [['--version'], ['-V'], ['a/b', 'c/d', '--version']]) {
      const run = await runCli(args, { home });
      assert.equal(run.code, 0);
      assert.equal(run.stdout, `oci-copy ${VERSION}\n`);
    }
  });

  it('--help lists the flags, the references, the environment, examples and exit statuses', async () => {
    const run = await runCli(['--help'], { home });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: oci-copy \[copy\] \[options\] SOURCE DESTINATION \[DESTINATION\.\.\.\]\n/);
    for (const flag of [
      '--to DESTINATION',
      '--tls-verify[=false]',
      '--ca-file FILE',
      '--debug',
      '--src-password-stdin',
      '--dest-username USER',
      '--version',
      '-h, --help',
    ]) {
      assert.ok(run.stdout.includes(`  ${flag} `), flag);
    }
    for (const section of ['references:', 'options:', 'environment:', 'examples:', 'exit status:'])
      assert.match(run.stdout, new RegExp(`^${section}$`, 'm'));
    for (const name of ['OCI_COPY_DEST_PASSWORD', 'HTTPS_PROXY, HTTP_PROXY, NO_PROXY', 'DOCKER_CONFIG', 'OCI_COPY_TIMEOUT_SECONDS'])
      assert.ok(run.stdout.includes(name), name);
    for (const code of ['0', '1', '2', '130', '143']) assert.match(run.stdout, new RegExp(`^  ${code} +\\S`, 'm'));
    assert.ok(
      run.stdout.split('\n').every((l) => l.length <= 100),
      'no line runs on for ever',
    );
    const copy = await runCli(['copy', '--help'], { home });
    assert.equal(copy.stdout, run.stdout, '`oci-copy copy` is the same command');
  });
});
