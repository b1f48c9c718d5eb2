import type { Descriptor } from '../oci/descriptor.js';
import { referrerKind } from '../oci/referrer-kinds.js';
import { isReferrerLister, type ReadOnlyTarget } from '../targets/target.js';
import { CosignAttachments } from './cosign-attachments.js';
import type { FoundReferrer } from './events.js';

/** Runs one read of the finder, naming it (`listing referrers of … in …`) for an error. */
export type FinderStep = <T>(what: string, step: () => Promise<T>) => Promise<T>;

/**
 * What refers to a manifest in one target: what its referrers listing gives (the API, or the
 * `sha256-<hex>` index), then cosign's tag attachments (`sha256-<hex>.sig`, `.att`, `.sbom`), each
 * once. The copy engine finds what to copy with it; a check of a destination finds what must be there.
 */
export class ReferrerFinder {
  private readonly attachments: CosignAttachments;

  constructor(
    readonly target: ReadOnlyTarget,
    private readonly step: FinderStep = (_what, run) => run(),
  ) {
    this.attachments = new CosignAttachments(target);
  }

  /** Whether the target can tell referrers at all (a listing, or its tags). */
  get possible(): boolean {
    return isReferrerLister(this.target) || this.attachments.possible;
  }

  async find(subject: Descriptor): Promise<FoundReferrer[]> {
    const { listed, tagged } = await this.parts(subject);
    const found = new Map<string, FoundReferrer>(listed.map((r) => [r.digest, r]));
    for (const a of tagged) {
      const known = found.get(a.digest);
      found.set(a.digest, known ? { ...known, tag: a.tag } : a);
    }
    return [...found.values()];
  }

  /** What the listing gives (`listed`) and what cosign's tags name (`tagged`, each with its tag), apart. */
  async parts(subject: Descriptor): Promise<{ listed: FoundReferrer[]; tagged: Array<FoundReferrer & { tag: string }> }> {
    const target = this.target;
    const attachments = this.attachments;
    const found = new Map<string, FoundReferrer>();
    const tagged: Array<FoundReferrer & { tag: string }> = [];
    if (isReferrerLister(target)) {
      const listed = await this.step(`listing referrers of ${subject.digest} in ${target.description}`, () => target.referrers(subject));
      for (const r of listed) {
        const { kind, tool } = referrerKind(r.artifactType, r.annotations);
        found.set(r.digest, {
          kind,
          ...(tool ? { tool } : {}),
          ...(r.artifactType ? { artifactType: r.artifactType } : {}),
          mediaType: r.mediaType,
          digest: r.digest,
          size: r.size,
        });
      }
    }
    if (attachments.possible) {
      for (const a of await this.step(`looking up the cosign tags of ${subject.digest} in ${target.description}`, () =>
        attachments.find(subject),
      ))
        tagged.push({ kind: a.kind, tool: 'cosign', ...a.desc, tag: a.tag });
    }
    return { listed: [...found.values()], tagged };
  }
}
