import type { Descriptor } from '../oci/descriptor.js';
import { NotFoundError } from '../oci/errors.js';
import { isManifest } from '../oci/media-types.js';
import { cosignTags, type ReferrerKind } from '../oci/referrer-kinds.js';
import { isTagLister, isTagReader, type ReadOnlyTarget } from '../targets/target.js';

export interface CosignAttachment {
  tag: string;
  kind: ReferrerKind;
  desc: Descriptor;
}

/**
 * Finds what cosign before v3 attached to a manifest: manifests tagged `sha256-<hex>.sig`, `.att`
 * and `.sbom` in the same repository, with no `subject` that would list them as referrers. The
 * source's tag list is read once per copy and answers for every manifest; where listing tags is
 * refused, each candidate tag is asked for on its own (a HEAD on a registry).
 */
export class CosignAttachments {
  private listed?: Promise<Set<string> | undefined>;

  constructor(private readonly src: ReadOnlyTarget) {}

  /** Whether the source can tell its tags at all. */
  get possible(): boolean {
    return isTagLister(this.src) || isTagReader(this.src);
  }

  async find(subject: Descriptor): Promise<CosignAttachment[]> {
    const src = this.src;
    const listed = await this.tagList();
    const found: CosignAttachment[] = [];
    for (const { tag, kind } of cosignTags(subject.digest)) {
      let desc: Descriptor | undefined;
      if (listed) {
        if (!listed.has(tag)) continue;
        desc = await src.resolve(tag).catch((err: unknown) => {
          // Listed a moment ago, gone now: it is not there to copy.
          if (err instanceof NotFoundError) return undefined;
          throw err;
        });
      } else if (isTagReader(src)) {
        desc = await src.readTag(tag);
      }
      // Only a manifest can be tagged; anything else under such a name is not cosign's.
      if (desc && isManifest(desc.mediaType))
        found.push({ tag, kind, desc: { mediaType: desc.mediaType, digest: desc.digest, size: desc.size } });
    }
    return found;
  }

  /** The source's tags, once; undefined when listing them is refused and each tag can be asked for instead. */
  private tagList(): Promise<Set<string> | undefined> {
    const src = this.src;
    this.listed ??= isTagLister(src)
      ? src.tags().then(
          (tags) => new Set(tags),
          (err: unknown) => {
            if (isTagReader(src)) return undefined;
            throw err;
          },
        )
      : Promise.resolve(undefined);
    return this.listed;
  }
}
