import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { copy, copyToMany } from '../../src/api/copy.js';
import type { CopyEvent } from '../../src/copy/events.js';
import { eventLine } from '../../src/job/render/event-lines.js';
import { CopyReport } from '../../src/job/outcome/copy-report.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { TagConflictError } from '../../src/oci/errors.js';
import { referrerKind, referrerLabel } from '../../src/oci/referrer-kinds.js';
import { MemoryTarget } from '../../src/targets/memory.js';
import { addBlob, addImage, addMultiPlatformImage } from '../support/memory-images.js';
import { MediaType } from '../../src/oci/media-types.js';

/** A destination where another writer points `tag` at `other` while the copy stores the root. */
class RacedTarget extends MemoryTarget {
  constructor(
    private readonly racedTag: string,
    private readonly other: Descriptor,
  ) {
    super('raced');
  }

  override async push(desc: Descriptor, content: Readable): Promise<void> {
    await super.push(desc, content);
    if (desc.mediaType === MediaType.OciIndex) this.tagged.set(this.racedTag, this.other);
  }
}

/** Counts what the engine asks of the destination's tags. */
class TagReadCounter extends RacedTarget {
  reads = 0;
  override async readTag(tag: string): Promise<Descriptor | undefined> {
    this.reads++;
    return super.readTag(tag);
  }
}

function collect(): { events: CopyEvent[]; onEvent: (e: CopyEvent) => void } {
  const events: CopyEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

describe('tags the copy writes', () => {
  it('no-clobber checks again right before tagging: a tag another writer moved meanwhile is refused', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const other = addImage(src, [addBlob(src, MediaType.OciLayerGzip, 100)]);
    const dst = new RacedTarget('v1', other);
    await assert.rejects(
      copy(src, { tags: ['v1'] }, dst, { tags: [] }, { noClobber: true }),
      (err: unknown) => err instanceof TagConflictError && err.current === other.digest && err.wanted === index.digest,
    );
    assert.equal(dst.tagged.get('v1')?.digest, other.digest, 'the tag still names what the other writer put there');
    assert.equal(dst.calls.tag, 0);
  });

  it('tags a caller read moments ago are not read again, and a move is still reported', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const old = addImage(src, [addBlob(src, MediaType.OciLayerGzip, 80)]);
    const dst = new TagReadCounter('unrelated', old);
    dst.tagged.set('1.2', old);
    const { events, onEvent } = collect();
    await copyToMany(src, { tags: ['v1'] }, [{ target: dst, ref: { tags: ['1.2'] }, tagsRead: new Map([['1.2', old.digest]]) }], {
      onEvent,
    });
    assert.equal(dst.reads, 0);
    assert.equal(dst.tagged.get('1.2')?.digest, index.digest);
    assert.deepEqual(events.filter((e) => e.type === 'tagged').map(eventLine), [`tag 1.2 moved from ${old.digest} to ${index.digest}`]);
  });

  it('with no-clobber, what a caller read refuses at once, and a tag read as free is read again before it is written', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const other = addImage(src, [addBlob(src, MediaType.OciLayerGzip, 90)]);
    const early = new TagReadCounter('v1', other);
    await assert.rejects(
      copyToMany(src, { tags: ['v1'] }, [{ target: early, ref: { tags: [] }, tagsRead: new Map([['v1', other.digest]]) }], {
        noClobber: true,
      }),
      (err: unknown) => err instanceof TagConflictError && err.current === other.digest,
    );
    assert.equal(early.calls.push, 0, 'refused before any byte moved');
    // Read as free, then moved by another writer while the copy stored the root: the read before tagging catches it.
    const raced = new TagReadCounter('v1', other);
    await assert.rejects(
      copyToMany(src, { tags: ['v1'] }, [{ target: raced, ref: { tags: [] }, tagsRead: new Map([['v1', undefined]]) }], {
        noClobber: true,
      }),
      (err: unknown) => err instanceof TagConflictError && err.current === other.digest && err.wanted === index.digest,
    );
    assert.ok(raced.reads >= 1);
    assert.equal(raced.calls.tag, 0);
  });

  it('a dry run reads the tags, reports what it would write and writes none', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    const dst = new MemoryTarget('dst');
    const old = addImage(dst, [addBlob(dst, MediaType.OciLayerGzip, 50)]);
    dst.tagged.set('1.2', old);
    const { events, onEvent } = collect();
    await copy(src, { tags: ['v1'] }, dst, { tags: ['1.2', 'latest'] }, { dryRun: true, onEvent });
    assert.equal(dst.calls.tag, 0);
    assert.deepEqual(events.filter((e) => e.type === 'tagged').map(eventLine), [
      `tag 1.2 would move from ${old.digest} to ${index.digest}`,
      'Would tag latest',
    ]);
    const report = new CopyReport();
    for (const e of events) report.listener(e);
    assert.deepEqual(report.tags, ['1.2', 'latest']);
    assert.deepEqual(report.movedTags, [{ reference: '1.2', digest: index.digest, previous: old.digest }]);
  });

  it('a digest-only destination is stored, not tagged; a dry run says it would be', async () => {
    const src = new MemoryTarget('src');
    const { index } = addMultiPlatformImage(src, 'v1');
    for (const dryRun of [false, true]) {
      const { events, onEvent } = collect();
      await copy(src, { tags: [], digest: index.digest }, new MemoryTarget('d'), { tags: [] }, { dryRun, onEvent });
      assert.deepEqual(
        events.filter((e) => e.type === 'tagged'),
        [],
      );
      assert.deepEqual(events.filter((e) => e.type === 'stored').map(eventLine), [
        `${dryRun ? 'Would store' : 'Stored'} by digest ${index.digest}`,
      ]);
    }
  });
});

describe('what a referrer is', () => {
  const cases: Array<[string | undefined, Record<string, string> | undefined, string]> = [
    ['application/vnd.dev.cosign.artifact.sig.v1+json', undefined, 'signature (cosign)'],
    ['application/vnd.cncf.notary.signature', undefined, 'signature (notation)'],
    ['application/spdx+json', undefined, 'SBOM (application/spdx+json)'],
    ['application/vnd.cyclonedx+json', undefined, 'SBOM (application/vnd.cyclonedx+json)'],
    ['application/vnd.in-toto+json', undefined, 'attestation (in-toto)'],
    [
      'application/vnd.dev.sigstore.bundle.v0.3+json',
      { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
      'signature (sigstore)',
    ],
    [
      'application/vnd.dev.sigstore.bundle.v0.3+json',
      { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
      'attestation (sigstore)',
    ],
    ['application/vnd.example.thing', undefined, 'artifact (application/vnd.example.thing)'],
    [undefined, undefined, 'artifact (application/vnd.oci.image.manifest.v1+json)'],
    ['application/x-evil\u001b[31m\nforged', undefined, 'artifact (application/x-evil\\x1b[31m\\x0aforged)'],
  ];
  for (const [artifactType, annotations, label] of cases) {
    it(`${JSON.stringify(artifactType)} is ${label}`, () => {
      assert.equal(referrerLabel({ ...referrerKind(artifactType, annotations), artifactType, mediaType: MediaType.OciManifest }), label);
    });
  }
});
