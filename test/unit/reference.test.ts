import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/oci/errors.js';
import { formatReference, isLoopbackHostname, isLoopbackRegistry, parseReference } from '../../src/oci/reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  const ok: Array<[string, object]> = [
    ['alpine', { transport: 'registry', registry: 'docker.io', repository: 'library/alpine', tags: [] }],
    ['alpine:3.20', { transport: 'registry', registry: 'docker.io', repository: 'library/alpine', tags: ['3.20'] }],
    ['docker://user/app:1', { transport: 'registry', registry: 'docker.io', repository: 'user/app', tags: ['1'] }],
    ['index.docker.io/library/busybox', { transport: 'registry', registry: 'docker.io', repository: 'library/busybox', tags: [] }],
    [
      'ghcr.io/org/app:1.2.3,1.2,latest',
      { transport: 'registry', registry: 'ghcr.io', repository: 'org/app', tags: ['1.2.3', '1.2', 'latest'] },
    ],
    [`localhost:5000/a/b@${D}`, { transport: 'registry', registry: 'localhost:5000', repository: 'a/b', tags: [], digest: D }],
    [`127.0.0.1:5000/a:t@${D}`, { transport: 'registry', registry: '127.0.0.1:5000', repository: 'a', tags: ['t'], digest: D }],
    ['[::1]:5000/a', { transport: 'registry', registry: '[::1]:5000', repository: 'a', tags: [] }],
    ['oci:/tmp/layout:v1', { transport: 'oci', path: '/tmp/layout', tags: ['v1'] }],
    ['oci:./dir', { transport: 'oci', path: './dir', tags: [] }],
    [`oci:dir@${D}`, { transport: 'oci', path: 'dir', tags: [], digest: D }],
    ['oci-archive:/tmp/x.tar:v2', { transport: 'oci-archive', path: '/tmp/x.tar', tags: ['v2'] }],
    ['oci-archive:-', { transport: 'oci-archive', path: '-', tags: [] }],
    ['docker-archive:/tmp/app.tar', { transport: 'docker-archive', path: '/tmp/app.tar', tags: [] }],
    ['docker-archive:app.tar:app:1.2', { transport: 'docker-archive', path: 'app.tar', tags: ['1.2'], image: 'docker.io/library/app:1.2' }],
    [
      'docker-archive:app.tar:example.com/team/app',
      { transport: 'docker-archive', path: 'app.tar', tags: ['latest'], image: 'example.com/team/app:latest' },
    ],
    [
      'docker-archive:a.tar:127.0.0.1:5000/acme/app:1.2',
      { transport: 'docker-archive', path: 'a.tar', tags: ['1.2'], image: '127.0.0.1:5000/acme/app:1.2' },
    ],
    ['docker-archive:a.tar:@1', { transport: 'docker-archive', path: 'a.tar', tags: [], image: '@1' }],
    ['docker-archive:-', { transport: 'docker-archive', path: '-', tags: [] }],
  ];
  for (const [input, expected] of ok) {
    it(`parses ${input}`, () => {
      const ref = parseReference(input);
      assert.deepEqual({ ...ref, digest: ref.digest }, { digest: undefined, ...expected });
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['', /is empty/],
    ['ftp://host/repo', /unknown transport "ftp"/],
    ['Host.io/UPPER', /invalid repository name/],
    ['ghcr.io/a:bad tag', /white space/],
    ['ghcr.io/a:-x', /invalid tag "-x"/],
    // A slash in the tag puts the colon before the last slash: the tag is named, not the repository.
    ['localhost:5000/t/a:bad/tag', /^input "source" "localhost:5000\/t\/a:bad\/tag" has an invalid tag "bad\/tag": tags are 1-128 of/],
    ['t/a:1,bad/tag', /has an invalid tag "bad\/tag"/],
    ['ghcr.io/a@sha256:123', /invalid digest/],
    ['oci:', /names no path/],
    ['docker-archive:', /names no path: use docker-archive:PATH\[:NAME:TAG\]/],
    ['docker-archive::app:1', /names no path/],
    ['docker-archive:a.tar:', /names no image after the colon/],
    [`docker-archive:a.tar:app@${D}`, /not by digest; use oci-archive:PATH@DIGEST/],
    [`docker-archive:a.tar@${D}`, /not by digest; use oci-archive:PATH@DIGEST/],
    ['docker-archive:a.tar:app:1,2', /several tags: a docker-archive: reference names one image/],
    ['docker-archive:a.tar:App:1', /invalid repository name "library\/App"/],
    ['docker-archive:a.tar:@x', /invalid image index "@x": @0 is the first image/],
    // A second colon for a second tag: the mistake is named, not read as a repository name.
    [
      'registry.example.com/x/y:1.0.0:extra',
      /^input "source" "registry\.example\.com\/x\/y:1\.0\.0:extra" has more than one ":" after the repository name: give the tags after one colon, separated by commas \("registry\.example\.com\/x\/y:1\.0\.0,extra"\)$/,
    ],
    ['localhost:5000/app:1:2:3', /more than one ":" after the repository name: .*\("localhost:5000\/app:1,2,3"\)$/],
  ];
  for (const [input, message] of bad) {
    it(`rejects "${input}" with one clear line`, () => {
      assert.throws(
        () => parseReference(input, 'input "source"'),
        (err: unknown) => err instanceof InputError && message.test(err.message) && !err.message.includes('\n'),
      );
    });
  }

  it('reads a word before a colon as a transport only when it cannot be a registry name', () => {
    // Docker Hub names with tags, hosts with ports, and docker:TAG (Docker Hub's docker image) stay registry references.
    for (const input of ['alpine:3.20', 'node:20,lts', 'docker:27', 'gcc:13', 'myregistry:5000/app', `php:8@${D}`, `ubuntu@${D}`]) {
      assert.equal(parseReference(input).transport, 'registry', input);
    }
  });

  const transports: Array<[string, RegExp]> = [
    [
      'oci-achive:app.tar',
      /^SOURCE "oci-achive:app\.tar" has unknown transport "oci-achive": did you mean oci-archive:\? use \[docker:\/\/\]HOST/,
    ],
    ['oci-arhcive:app.tar:v1', /unknown transport "oci-arhcive": did you mean oci-archive:\?/],
    ['OCI:./layout', /unknown transport "OCI": did you mean oci:\?/],
    ['ocx:/tmp/layout', /unknown transport "ocx": did you mean oci:\?/],
    ['dokcer://ghcr.io/a', /unknown transport "dokcer": did you mean docker:\/\/\?/],
    ['s3:bucket/key', /unknown transport "s3": use \[docker:\/\/\]HOST/],
    [
      'docker-daemon:alpine:3.20',
      /^SOURCE "docker-daemon:alpine:3\.20" uses skopeo's docker-daemon: transport, which oci-copy does not have: export the image with `docker save IMAGE -o app\.tar` and copy from docker-archive:app\.tar/,
    ],
    ['dir:/tmp/image', /skopeo's dir: transport, which oci-copy does not have: use oci:PATH/],
    ['containers-storage:localhost/app:1', /skopeo's containers-storage: transport.*podman save --format oci-archive/],
    ['ostree:app@/ostree/repo', /skopeo's ostree: transport/],
    ['sif:app.sif', /skopeo's sif: transport/],
    ['tarball:layer.tar', /skopeo's tarball: transport.*use oci-archive:FILE/],
    ['docker-deamon:alpine', /unknown transport "docker-deamon": did you mean docker-daemon:\?/],
  ];
  for (const [input, message] of transports) {
    it(`names the transport in "${input}"`, () => {
      assert.throws(
        () => parseReference(input, 'SOURCE'),
        (err: unknown) => err instanceof InputError && message.test(err.message),
      );
    });
  }

  it('refuses a repository name or tag longer than a registry takes, before anything else, without repeating it', () => {
    const refuses = (input: string, message: RegExp, long: string) =>
      assert.throws(
        () => parseReference(input, 'input "source"'),
        (err: unknown) => err instanceof InputError && message.test(err.message) && !err.message.includes(long.slice(0, 32)),
      );
    const huge = 'a'.repeat(9998);
    refuses(
      `127.0.0.1:5000/h/${huge}:v1`,
      /^input "source" has a repository name 10000 characters long; a registry takes at most 255$/,
      huge,
    );
    // Other faults in the same reference would quote it: the length is refused first.
    refuses(`127.0.0.1:5000/h/${huge}:-bad@sha256:123`, /has a repository name 10000 characters long/, huge);
    refuses(`docker://Team/${huge.toUpperCase()}`, /has a repository name 10003 characters long/, huge.toUpperCase());
    // Docker Hub's library/ counts: it is part of the name the registry gets.
    refuses(`${'b'.repeat(250)}`, /has a repository name 258 characters long/, 'b'.repeat(250));
    refuses(`ghcr.io/a/${'c'.repeat(254)}`, /has a repository name 256 characters long; a registry takes at most 255$/, 'c'.repeat(254));
    refuses(
      `ghcr.io/a/b:${'t'.repeat(129)}`,
      /^input "source" has a tag 129 characters long; a registry takes at most 128$/,
      't'.repeat(129),
    );
    refuses(`ghcr.io/a/b:1,${'t'.repeat(300)}`, /has a tag 300 characters long/, 't'.repeat(300));
    refuses(`oci:/tmp/layout:${'t'.repeat(200)}`, /has a tag 200 characters long; a registry takes at most 128$/, 't'.repeat(200));
    refuses(`docker-archive:a.tar:example.com/${'n'.repeat(300)}:1`, /has a repository name 300 characters long/, 'n'.repeat(300));
    const longest = parseReference(`ghcr.io/a/${'c'.repeat(253)}:${'t'.repeat(128)}`) as { repository: string; tags: string[] };
    assert.equal(longest.repository.length, 255);
    assert.equal(longest.tags[0].length, 128);
  });

  it('knows loopback registries and formats references', () => {
    assert.ok(isLoopbackRegistry('localhost:5000'));
    assert.ok(isLoopbackRegistry('127.0.0.1:1234'));
    assert.ok(isLoopbackRegistry('[::1]:5000'));
    assert.ok(!isLoopbackRegistry('ghcr.io'));
    for (const host of ['LOCALHOST', '127.1', '127.255.255.254', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:2]']) {
      assert.ok(isLoopbackRegistry(`${host}:5000`), host);
      assert.ok(isLoopbackHostname(host), host);
    }
    for (const host of ['128.0.0.1', '[::2]', '[::ffff:10.0.0.1]', 'localhost.example.com', 'app.localhost', '127.0.0.1.nip.io']) {
      assert.ok(!isLoopbackRegistry(`${host}:5000`), host);
    }
    assert.equal(formatReference(parseReference('ghcr.io/o/a:1,2')), 'ghcr.io/o/a:1,2');
    assert.equal(formatReference(parseReference('docker-archive:x.tar:app:1')), 'docker-archive:x.tar:docker.io/library/app:1');
    assert.equal(formatReference(parseReference('docker-archive:x.tar:@0')), 'docker-archive:x.tar:@0');
    assert.equal(formatReference(parseReference('docker-archive:x.tar')), 'docker-archive:x.tar');
  });
});
