import { CosignAttachments } from '../copy/cosign-attachments.js';
import { readManifest } from '../copy/read-manifest.js';
import type { Descriptor } from '../oci/descriptor.js';
import { ContentError, NotFoundError } from '../oci/errors.js';
import { parseImageManifest, type ImageManifest } from '../oci/manifest.js';
import { isImageManifest } from '../oci/media-types.js';
import { printable } from '../oci/text.js';
import { isReferrerLister, type ReadOnlyTarget } from '../targets/target.js';
import { cosignReferrerKind, DSSE_ENVELOPE, isBundleMediaType, MAX_BUNDLE_BYTES, MAX_CANDIDATES, SIMPLE_SIGNING } from './constants.js';

/** A Sigstore bundle found as a referrer of the digest (cosign v3, GitHub artifact attestations). */
export interface BundleCandidate {
  form: 'bundle';
  where: string;
  /** The referrer manifest that holds it. */
  digest: string;
  bundle: Buffer;
  /** The referrer manifest's annotations (`dev.sigstore.bundle.predicateType`, …). */
  annotations: Record<string, string>;
}

/** One layer of a cosign `sha256-<hex>.sig` or `.att` manifest: the signed payload and its annotations. */
export interface LegacyCandidate {
  form: 'legacy';
  kind: 'signature' | 'attestation';
  where: string;
  /** The layer that holds it. */
  digest: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

/** Something that looked like a signature and could not be read: it says what was wrong. */
export interface UnreadableCandidate {
  form: 'bundle' | 'legacy';
  kind: 'signature' | 'attestation';
  where: string;
  problem: string;
}

export type Candidate = BundleCandidate | LegacyCandidate | UnreadableCandidate;

export function isUnreadable(c: Candidate): c is UnreadableCandidate {
  return 'problem' in c;
}

/**
 * Finds every signature and attestation of a digest in a source, in the forms in use: Sigstore
 * bundles among its referrers (the referrers API, else the `sha256-<hex>` tag-schema index: the
 * target's own listing picks), cosign's `sha256-<hex>.sig` / `.att` tags, and the same layers as
 * referrers (cosign v2's referrers mode). Each manifest and
 * bundle is read whole, verified against its digest, and refused over its size limit (4 MiB for a
 * manifest, 1 MiB for a bundle or payload). Content that is missing or malformed becomes an
 * unreadable candidate (another may still satisfy the policy); a failure of the source itself throws.
 * One instance serves every digest of an image: the source's tag list is read once.
 */
export class SignatureDiscovery {
  private readonly cosign: CosignAttachments;

  constructor(private readonly src: ReadOnlyTarget) {
    this.cosign = new CosignAttachments(src);
  }

  async find(subject: Descriptor, signal?: AbortSignal): Promise<Candidate[]> {
    const found: Candidate[] = [];
    let unread = 0;
    if (isReferrerLister(this.src)) {
      for (const ref of await this.src.referrers(subject)) {
        const cosignKind = cosignReferrerKind(ref.artifactType);
        if (!isBundleMediaType(ref.artifactType) && !cosignKind) continue;
        if (found.length >= MAX_CANDIDATES) unread++;
        else if (cosignKind)
          found.push(
            ...(await this.readCosignLayers(`referrer ${ref.digest}`, cosignKind, ref, MAX_CANDIDATES - found.length, signal, subject)),
          );
        else found.push(...(await this.readBundleReferrer(subject, ref, MAX_CANDIDATES - found.length, signal)));
      }
    }
    if (this.cosign.possible) {
      for (const att of await this.cosign.find(subject)) {
        if (att.kind !== 'signature' && att.kind !== 'attestation') continue;
        if (found.length >= MAX_CANDIDATES) unread++;
        else found.push(...(await this.readCosignLayers(`tag ${att.tag}`, att.kind, att.desc, MAX_CANDIDATES - found.length, signal)));
      }
    }
    // Said, not dropped in silence: a digest with this many signatures is being flooded.
    if (unread)
      found.unshift({
        form: 'bundle',
        kind: 'signature',
        where: `${unread} more signature manifest${unread > 1 ? 's' : ''}`,
        problem: `not read: at most ${MAX_CANDIDATES} signatures are looked at for one digest`,
      });
    return found;
  }

  private async readBundleReferrer(subject: Descriptor, ref: Descriptor, room: number, signal?: AbortSignal): Promise<Candidate[]> {
    const where = `referrer ${ref.digest}`;
    const kind =
      ref.annotations?.['dev.sigstore.bundle.predicateType'] &&
      ref.annotations['dev.sigstore.bundle.predicateType'] !== 'https://sigstore.dev/cosign/sign/v1'
        ? 'attestation'
        : 'signature';
    return this.readable('bundle', kind, where, async () => {
      const manifest = await this.manifest(ref, signal);
      // A listing can be stale or lie; the manifest itself must name this digest as its subject.
      if (manifest.subject?.digest !== subject.digest) {
        return [
          {
            form: 'bundle',
            kind,
            where,
            problem: `its manifest refers to ${printable(manifest.subject?.digest ?? 'nothing', 80)}, not ${subject.digest}`,
          },
        ];
      }
      const layers = (manifest.layers ?? []).filter((l) => isBundleMediaType(l.mediaType)).slice(0, room);
      if (!layers.length) return [{ form: 'bundle', kind, where, problem: 'its manifest holds no Sigstore bundle layer' }];
      const out: Candidate[] = [];
      for (const layer of layers) {
        const bundle = await this.small(layer, 'Sigstore bundle', signal);
        out.push({
          form: 'bundle',
          where,
          digest: ref.digest,
          bundle,
          annotations: { ...(ref.annotations ?? {}), ...(manifest.annotations ?? {}) },
        });
      }
      return out;
    });
  }

  /**
   * The layers of a cosign `.sig` / `.att` manifest, found under its tag or (cosign v2's referrers
   * mode) as a referrer: `subject` given, the manifest must name it, as a bundle referrer must.
   */
  private async readCosignLayers(
    place: string,
    kind: 'signature' | 'attestation',
    desc: Descriptor,
    room: number,
    signal?: AbortSignal,
    subject?: Descriptor,
  ): Promise<Candidate[]> {
    const layerType = kind === 'signature' ? SIMPLE_SIGNING : DSSE_ENVELOPE;
    return this.readable('legacy', kind, place, async () => {
      const manifest = await this.manifest(desc, signal);
      if (subject && manifest.subject?.digest !== subject.digest) {
        return [
          {
            form: 'legacy',
            kind,
            where: place,
            problem: `its manifest refers to ${printable(manifest.subject?.digest ?? 'nothing', 80)}, not ${subject.digest}`,
          },
        ];
      }
      const all = (manifest.layers ?? []).filter((l) => l.mediaType === layerType);
      const layers = all.slice(0, room);
      if (!layers.length) return [{ form: 'legacy', kind, where: place, problem: `its manifest holds no ${layerType} layer` }];
      const out: Candidate[] = [];
      if (all.length > layers.length)
        out.push({
          form: 'legacy',
          kind,
          where: `${place}, ${all.length - layers.length} more layers`,
          problem: `not read: at most ${MAX_CANDIDATES} signatures are looked at for one digest`,
        });
      for (const [i, layer] of layers.entries()) {
        const where = layers.length > 1 ? `${place}, layer ${i + 1}` : place;
        const payload = await this.readable('legacy', kind, where, async () => [
          {
            form: 'legacy' as const,
            kind,
            where,
            digest: layer.digest,
            payload: await this.small(layer, 'signature payload', signal),
            annotations: layer.annotations ?? {},
          },
        ]);
        out.push(...payload);
      }
      return out;
    });
  }

  /** Missing or malformed content is the candidate's problem; anything else (the network, a closed target) is thrown. */
  private async readable(
    form: 'bundle' | 'legacy',
    kind: 'signature' | 'attestation',
    where: string,
    read: () => Promise<Candidate[]>,
  ): Promise<Candidate[]> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof ContentError) return [{ form, kind, where, problem: printable(err.message, 300) }];
      if (err instanceof NotFoundError) return [{ form, kind, where, problem: 'its content is missing from the source' }];
      throw err;
    }
  }

  private async manifest(desc: Descriptor, signal?: AbortSignal): Promise<ImageManifest> {
    if (!isImageManifest(desc.mediaType))
      throw new ContentError(`${desc.digest} is a ${printable(desc.mediaType, 100)}, not an image manifest`);
    const bytes = await readManifest(await this.src.fetch(desc, signal), desc);
    return parseImageManifest(bytes, `manifest ${desc.digest}`);
  }

  private async small(desc: Descriptor, what: string, signal?: AbortSignal): Promise<Buffer> {
    if (desc.size > MAX_BUNDLE_BYTES) throw new ContentError(`its ${what} is ${desc.size} bytes, over the ${MAX_BUNDLE_BYTES}-byte limit`);
    return readManifest(
      await this.src.fetch({ mediaType: desc.mediaType, digest: desc.digest, size: desc.size }, signal),
      desc,
      MAX_BUNDLE_BYTES,
      what,
    );
  }
}
