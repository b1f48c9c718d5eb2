import type { Descriptor } from '../../oci/descriptor.js';
import { verifyBytes } from '../../oci/digest.js';
import { ContentError } from '../../oci/errors.js';
import { parseIndex, type ImageIndex } from '../../oci/manifest.js';
import { MAX_MANIFEST_BYTES, isImageManifest, isIndex } from '../../oci/media-types.js';
import { isAttachmentTag } from '../../oci/referrer-kinds.js';
import { referrerOf, referrersTag, type Referrer } from '../../oci/referrers.js';
import { refNameOf } from './index-json.js';

/**
 * Referrers (signatures, SBOMs, attestations) in an OCI layout's `index.json`. A layout has no
 * referrers API: a manifest with a `subject` is listed in the index as an untagged entry, which
 * keeps it reachable and lets a reader find it by reading the listed manifests. Some tools keep a
 * `sha256-<hex>` index instead (the registry tag schema); that is honoured too.
 */

/** Reads a manifest blob whole, or undefined when the layout does not hold it. Unverified. */
export type ManifestReader = (desc: Descriptor) => Promise<Buffer | undefined>;

/** The untagged index entry a pushed manifest gets when it refers to a subject; undefined when it does not. */
export function referrerEntry(desc: Descriptor, bytes: Uint8Array): Descriptor | undefined {
  return referrerOf(desc, bytes)?.descriptor;
}

/**
 * Finds referrers among what an index lists. Each listed manifest is read once (verified, at most
 * 4 MiB) and what it refers to is remembered: content is addressed by digest, so it never changes.
 */
export class ReferrerFinder {
  private readonly parsed = new Map<string, Promise<Referrer | undefined>>();

  constructor(
    private readonly read: ManifestReader,
    private readonly where: string,
  ) {}

  /**
   * The referrers of `subject`: listed manifests whose `subject` is it, and the entries of its
   * `sha256-<hex>` index when the layout tags one, each once; only `artifactType` when given.
   */
  async referrers(index: ImageIndex, subject: Descriptor, artifactType?: string): Promise<Descriptor[]> {
    const found = new Map<string, Descriptor>();
    for (const entry of uniqueManifests(index)) {
      const referrer = await this.referrerOf(entry);
      if (referrer?.subject.digest === subject.digest) found.set(entry.digest, referrer.descriptor);
    }
    const tag = referrersTag(subject.digest);
    const tagged = index.manifests.find((d) => refNameOf(d) === tag && isIndex(d.mediaType));
    if (tagged) {
      const bytes = await this.readVerified(tagged);
      if (bytes) {
        for (const d of parseIndex(bytes, `referrers index ${tag} in ${this.where}`).manifests) {
          if (!found.has(d.digest)) found.set(d.digest, d);
        }
      }
    }
    const list = [...found.values()];
    return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
  }

  /**
   * Whether an index entry is there for another image's sake rather than as an image of its own:
   * an untagged referrer, a tag-schema index, or a cosign attachment (`sha256-<hex>.sig`).
   * Unreadable entries count as images.
   */
  async isAttached(entry: Descriptor): Promise<boolean> {
    const tag = refNameOf(entry);
    if (tag !== undefined) return isAttachmentTag(tag);
    try {
      return (await this.referrerOf(entry)) !== undefined;
    } catch {
      return false;
    }
  }

  private referrerOf(entry: Descriptor): Promise<Referrer | undefined> {
    if (!isImageManifest(entry.mediaType) && !isIndex(entry.mediaType)) return Promise.resolve(undefined);
    let known = this.parsed.get(entry.digest);
    if (!known) {
      const plain = { mediaType: entry.mediaType, digest: entry.digest, size: entry.size };
      known = this.readVerified(plain).then((bytes) => (bytes ? referrerOf(plain, bytes) : undefined));
      // A failed read is not remembered: it may be a passing fault.
      known.catch(() => this.parsed.delete(entry.digest));
      this.parsed.set(entry.digest, known);
    }
    return known;
  }

  private async readVerified(desc: Descriptor): Promise<Buffer | undefined> {
    if (desc.size > MAX_MANIFEST_BYTES) return undefined;
    const bytes = await this.read(desc);
    if (!bytes) return undefined;
    try {
      verifyBytes(bytes, desc);
    } catch (err) {
      throw new ContentError(`manifest ${desc.digest} in ${this.where} does not match its index entry: ${(err as Error).message}`);
    }
    return bytes;
  }
}

/** Each manifest the index lists, once. */
function uniqueManifests(index: ImageIndex): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const d of index.manifests) if (!seen.has(d.digest)) seen.set(d.digest, d);
  return [...seen.values()];
}
