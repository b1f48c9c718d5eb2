import { throwIfAborted } from '../cancel/index.js';
import { Limiter } from '../copy/limiter.js';
import { MAX_REFERRER_GENERATIONS } from '../copy/limits.js';
import { ReferrerFinder } from '../copy/referrer-finder.js';
import type { FoundReferrer } from '../copy/events.js';
import type { Descriptor } from '../oci/descriptor.js';
import { digestOf, newHasher, parseDigest } from '../oci/digest.js';
import { ContentError, CopyError, DigestMismatchError, NotFoundError } from '../oci/errors.js';
import { defaultSuccessors } from '../oci/manifest.js';
import { isImageManifest, isIndex, isManifest, MAX_MANIFEST_BYTES } from '../oci/media-types.js';
import { formatPlatform } from '../oci/platform.js';
import { referrerLabel } from '../oci/referrer-kinds.js';
import { isBlobSizer, type ReadOnlyTarget } from '../targets/target.js';
import type { IntegrityProblem, ProblemKind } from './problems.js';

/** How a destination is checked: by HEADs, or (`deep`) by downloading and hashing every blob too. */
export interface DestinationCheckOptions {
  deep?: boolean;
  /** Slots for HEADs and manifest reads (the job's `checks` limiter); default 8. */
  checks?: Limiter;
  /** Slots for the downloads of a deep check (the job's transfer budget); default 8. */
  transfers?: Limiter;
}

/** What the graph under a root holds in a destination, as one walk found it. */
export interface GraphCheck {
  problems: IntegrityProblem[];
  /** The manifests found and read (the root, its children), for what must refer to them. */
  manifests: Descriptor[];
  /** How many distinct blobs of the graph were checked. */
  blobs: number;
  /** The nodes something is wrong with, by digest. */
  faulty: Map<string, Descriptor>;
}

/** What is wrong with a node, before its place in an image's graph is known. */
type Fault = { kind: ProblemKind; what: string } | undefined;

/** A manifest as the destination serves it: its bytes, or what is wrong. */
type ManifestRead = { content: Buffer; fault?: undefined } | { content?: undefined; fault: NonNullable<Fault> };

/**
 * Checks what destinations really hold: the graph under a root walked from the destination's own
 * manifests (each fetched and its digest checked), each blob present with its size (a HEAD), and
 * with `deep` every blob downloaded and hashed (streamed, never whole in memory). One checker serves
 * a whole job: a manifest or blob is checked once per repository however many images name it, HEADs
 * and manifest reads under the `checks` slots, downloads under `transfers`. Writes nothing.
 */
export class DestinationCheck {
  readonly deep: boolean;
  private readonly checks: Limiter;
  private readonly transfers: Limiter;
  private readonly blobs = new Map<string, Promise<Fault>>();
  private readonly manifests = new Map<string, Promise<ManifestRead>>();
  private readonly finders = new WeakMap<ReadOnlyTarget, ReferrerFinder>();

  constructor(options: DestinationCheckOptions = {}) {
    this.deep = options.deep === true;
    this.checks = options.checks ?? new Limiter(8);
    this.transfers = options.transfers ?? new Limiter(8);
  }

  /**
   * Walks the graph under `root` in `dst`: every manifest reachable from it fetched and checked,
   * every blob checked. Problems name the node and its place (`layer of linux/arm64 manifest sha256:…`).
   * A failure to ask (401, an unreachable registry) is thrown, naming what was being checked.
   */
  async walk(dst: ReadOnlyTarget, root: Descriptor, signal?: AbortSignal, rootRole?: string): Promise<GraphCheck> {
    const where = placeOf(dst);
    const problems: IntegrityProblem[] = [];
    const manifests: Descriptor[] = [];
    const seen = new Set<string>();
    const faulty = new Map<string, Descriptor>();
    let blobs = 0;
    const visit = async (desc: Descriptor, role: string | undefined): Promise<void> => {
      if (seen.has(desc.digest)) return;
      seen.add(desc.digest);
      throwIfAborted(signal);
      if (isManifest(desc.mediaType)) {
        const read = await this.manifest(dst, desc, signal);
        if (read.fault) {
          faulty.set(desc.digest, desc);
          problems.push({ kind: read.fault.kind, digest: desc.digest, where, detail: manifestDetail(read.fault, desc, role) });
          return;
        }
        manifests.push({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size });
        let children: Descriptor[];
        try {
          children = defaultSuccessors(desc, read.content);
        } catch (err) {
          // The digest matched: what it lists is the manifest's own fault, and the source's too.
          throw new CopyError('destination', `reading manifest ${desc.digest} in ${dst.description}`, err);
        }
        const label = `${desc.platform ? `${formatPlatform(desc.platform)} ` : ''}${isIndex(desc.mediaType) ? 'index' : 'manifest'} ${desc.digest}`;
        await Promise.all(
          children.map((c, i) => visit(c, isManifest(c.mediaType) ? `of index ${desc.digest}` : `${childWord(desc, i)} of ${label}`)),
        );
        return;
      }
      blobs++;
      const fault = await this.blob(dst, desc, signal);
      if (fault) faulty.set(desc.digest, desc);
      if (fault) problems.push({ kind: fault.kind, digest: desc.digest, where, detail: blobDetail(fault, desc, role) });
    };
    await visit(root, rootRole);
    return { problems, manifests, blobs, faulty };
  }

  /**
   * What the source has referring to each of `subjects` (signatures, attestations, SBOMs: its
   * referrers listing and cosign's tags) must be in `dst` too: listed among the destination's
   * referrers (the API or the `sha256-<hex>` index) when the source lists it, tagged alike when
   * the source tags it, and its own graph whole. Returns the problems and how many referrers were checked.
   */
  async referrers(
    src: ReadOnlyTarget,
    dst: ReadOnlyTarget,
    subjects: readonly Descriptor[],
    signal?: AbortSignal,
  ): Promise<{ problems: IntegrityProblem[]; checked: FoundReferrer[]; faulty: Map<string, Descriptor> }> {
    const where = placeOf(dst);
    const problems: IntegrityProblem[] = [];
    const checked: FoundReferrer[] = [];
    const faulty = new Map<string, Descriptor>();
    const source = this.finder(src, 'source');
    const destination = this.finder(dst, 'destination');
    if (!source.possible) return { problems, checked, faulty };
    // Referrers of referrers (a signature of an SBOM) too, as deep as the copy follows them.
    const seen = new Set<string>();
    let generation: readonly Descriptor[] = subjects;
    for (let depth = 0; generation.length && depth <= MAX_REFERRER_GENERATIONS; depth++) {
      const next: Descriptor[] = [];
      for (const subject of generation) {
        if (seen.has(subject.digest)) continue;
        seen.add(subject.digest);
        next.push(...(await this.referrersOf(source, destination, subject, where, problems, checked, faulty, signal)));
      }
      generation = next;
    }
    for (const p of problems)
      if (p.kind === 'referrer' || p.kind === 'attachment-tag') {
        const r = checked.find((c) => c.digest === p.digest);
        if (r) faulty.set(r.digest, { mediaType: r.mediaType, digest: r.digest, size: r.size });
      }
    return { problems, checked, faulty };
  }

  /** One subject's referrers checked (see `referrers`); returns those that are manifests, the next generation's subjects. */
  private async referrersOf(
    source: ReferrerFinder,
    destination: ReferrerFinder,
    subject: Descriptor,
    where: string,
    problems: IntegrityProblem[],
    checked: FoundReferrer[],
    faulty: Map<string, Descriptor>,
    signal?: AbortSignal,
  ): Promise<Descriptor[]> {
    const dst = destination.target;
    const next: Descriptor[] = [];
    {
      const [wanted, there] = await Promise.all([source.parts(subject), destination.parts(subject)]);
      const listedThere = new Set(there.listed.map((r) => r.digest));
      const taggedThere = new Map(there.tagged.map((r) => [r.tag, r.digest]));
      const walked = new Set<string>();
      const label = (r: FoundReferrer) => `${referrerLabel(r)} ${r.digest} of ${subject.digest}`;
      for (const r of wanted.listed) {
        checked.push(r);
        if (!listedThere.has(r.digest))
          problems.push({
            kind: 'referrer',
            digest: r.digest,
            where,
            detail: `${label(r)} is not among the referrers of ${subject.digest}`,
          });
      }
      for (const r of wanted.tagged) {
        if (!wanted.listed.some((l) => l.digest === r.digest)) checked.push(r);
        const named = taggedThere.get(r.tag);
        if (named !== r.digest)
          problems.push({
            kind: 'attachment-tag',
            digest: r.digest,
            where,
            detail: named
              ? `tag ${r.tag} names ${named}, the source ${r.digest} (${referrerLabel(r)})`
              : `${referrerLabel(r)} tag ${r.tag} missing (${r.digest} of ${subject.digest})`,
          });
      }
      for (const r of [...wanted.listed, ...wanted.tagged]) {
        if (walked.has(r.digest) || !isManifest(r.mediaType)) continue;
        walked.add(r.digest);
        const below = await this.walk(
          dst,
          { mediaType: r.mediaType, digest: r.digest, size: r.size },
          signal,
          `(${referrerLabel(r)} of ${subject.digest})`,
        );
        problems.push(...below.problems);
        for (const [digest, desc] of below.faulty) faulty.set(digest, desc);
        next.push({ mediaType: r.mediaType, digest: r.digest, size: r.size });
      }
    }
    return next;
  }

  /** Forgets what was found of `digests` in `dst` (they were put back): the next walk asks again. */
  forget(dst: ReadOnlyTarget, digests: Iterable<string>): void {
    for (const digest of digests) {
      this.blobs.delete(keyOf(dst, digest));
      this.manifests.delete(keyOf(dst, digest));
    }
  }

  private finder(target: ReadOnlyTarget, side: 'source' | 'destination'): ReferrerFinder {
    let finder = this.finders.get(target);
    if (!finder) {
      finder = new ReferrerFinder(target, (what, step) =>
        step().catch((err) => Promise.reject(err instanceof CopyError ? err : new CopyError(side, what, err))),
      );
      this.finders.set(target, finder);
    }
    return finder;
  }

  /** Asks again about blobs put back (forgetting what was found): those still missing or damaged. */
  async recheck(dst: ReadOnlyTarget, blobs: readonly Descriptor[], signal?: AbortSignal): Promise<Descriptor[]> {
    this.forget(
      dst,
      blobs.map((b) => b.digest),
    );
    const faults = await Promise.all(blobs.map((b) => this.blob(dst, b, signal)));
    return blobs.filter((_, i) => faults[i]);
  }

  private manifest(dst: ReadOnlyTarget, desc: Descriptor, signal?: AbortSignal): Promise<ManifestRead> {
    const key = keyOf(dst, desc.digest);
    let read = this.manifests.get(key);
    if (!read) {
      read = this.checks.run(() => readDestinationManifest(dst, desc, signal));
      this.manifests.set(key, read);
    }
    return read;
  }

  private blob(dst: ReadOnlyTarget, desc: Descriptor, signal?: AbortSignal): Promise<Fault> {
    const key = keyOf(dst, desc.digest);
    let fault = this.blobs.get(key);
    if (!fault) {
      fault = this.checkBlob(dst, desc, signal);
      this.blobs.set(key, fault);
    }
    return fault;
  }

  private async checkBlob(dst: ReadOnlyTarget, desc: Descriptor, signal?: AbortSignal): Promise<Fault> {
    const op = `checking blob ${desc.digest} in ${dst.description}`;
    const size = await this.checks.run(() => step(op, () => storedSize(dst, desc, signal)));
    if (size === undefined) return { kind: 'missing-blob', what: 'missing' };
    if (size !== desc.size) return { kind: 'size', what: `size ${size} instead of ${desc.size}` };
    if (!this.deep) return undefined;
    return this.transfers.run(() => step(`hashing blob ${desc.digest} in ${dst.description}`, () => hashBlob(dst, desc, signal)));
  }
}

/** `host/repo` for a registry, the path for a layout: where a problem was found. */
export function placeOf(target: ReadOnlyTarget): string {
  return target.description.replace(/^\[[a-z-]+\] /, '');
}

function keyOf(target: ReadOnlyTarget, digest: string): string {
  return `${target.description}\u0000${digest}`;
}

async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw err instanceof CopyError ? err : new CopyError('destination', what, err);
  }
}

/** What a HEAD says of a blob's size where the target can tell, else the listed size when it is there at all. */
async function storedSize(dst: ReadOnlyTarget, desc: Descriptor, signal?: AbortSignal): Promise<number | undefined> {
  if (isBlobSizer(dst)) return dst.blobSize(desc, signal);
  return (await dst.exists(desc, signal)) ? desc.size : undefined;
}

/** Downloads the blob, counting and hashing as it streams (nothing kept): what its bytes are, against what they should be. */
async function hashBlob(dst: ReadOnlyTarget, desc: Descriptor, signal?: AbortSignal): Promise<Fault> {
  const hash = newHasher(desc.digest);
  let bytes = 0;
  const stream = await dst.fetch(desc, signal);
  try {
    for await (const chunk of stream) {
      bytes += (chunk as Buffer).length;
      if (bytes > desc.size) return { kind: 'size', what: `more than the listed ${desc.size} bytes served (deep)` };
      hash.update(chunk as Buffer);
    }
  } finally {
    stream.destroy();
  }
  if (bytes !== desc.size) return { kind: 'size', what: `${bytes} bytes served instead of ${desc.size} (deep)` };
  const actual = `${parseDigest(desc.digest).algorithm}:${hash.digest('hex')}`;
  return actual === desc.digest ? undefined : { kind: 'hash', what: `bytes hash to ${actual} (deep)` };
}

/** A manifest read by digest: its bytes when they are that digest's; missing, or other bytes, as a fault. */
async function readDestinationManifest(dst: ReadOnlyTarget, desc: Descriptor, signal?: AbortSignal): Promise<ManifestRead> {
  const op = `checking manifest ${desc.digest} in ${dst.description}`;
  let content: Buffer;
  try {
    const stream = await dst.fetch(desc, signal);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > MAX_MANIFEST_BYTES) {
        stream.destroy();
        return { fault: { kind: 'manifest-bytes', what: `more than ${MAX_MANIFEST_BYTES} bytes served` } };
      }
      chunks.push(chunk as Buffer);
    }
    content = Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof NotFoundError || (err instanceof CopyError && err.cause instanceof NotFoundError))
      return { fault: { kind: 'missing-manifest', what: 'not found' } };
    // A registry that checks the bytes it serves against the digest asked for says so itself.
    if (err instanceof DigestMismatchError || err instanceof ContentError)
      return { fault: { kind: 'manifest-bytes', what: `served other bytes (${err.message})` } };
    throw err instanceof CopyError ? err : new CopyError('destination', op, err);
  }
  const actual = digestOf(content, parseDigest(desc.digest).algorithm);
  if (actual !== desc.digest) return { fault: { kind: 'manifest-bytes', what: `bytes hash to ${actual}` } };
  if (content.length !== desc.size) return { fault: { kind: 'manifest-bytes', what: `size ${content.length} instead of ${desc.size}` } };
  return { content };
}

/** `config`, `layer`: what the `i`th child of an image manifest is. */
function childWord(parent: Descriptor, i: number): string {
  return isImageManifest(parent.mediaType) && i === 0 ? 'config' : 'layer';
}

/** `child manifest sha256:… (linux/arm64, of index sha256:…) not found`, `manifest sha256:… not found`. */
function manifestDetail(fault: NonNullable<Fault>, desc: Descriptor, role: string | undefined): string {
  const platform = desc.platform ? formatPlatform(desc.platform) : undefined;
  const kind = isIndex(desc.mediaType) ? 'index' : 'manifest';
  const child = role?.startsWith('of index ');
  const name = child
    ? `child ${kind} ${desc.digest} (${[platform, role].filter(Boolean).join(', ')})`
    : `${kind} ${desc.digest}${role ? ` ${role}` : ''}`;
  return fault.kind === 'missing-manifest' ? `${name} not found` : `${name}: ${fault.what}`;
}

/** `missing blob sha256:… (layer of …)`, `blob sha256:… (layer of …): size 1024 instead of 2048`. */
function blobDetail(fault: NonNullable<Fault>, desc: Descriptor, role: string | undefined): string {
  const at = role ? ` (${role})` : '';
  return fault.kind === 'missing-blob' ? `missing blob ${desc.digest}${at}` : `blob ${desc.digest}${at}: ${fault.what}`;
}
