import { chooseRoot, type ResolvedRoot } from '../../copy/resolve-root.js';
import { rootSelector, type Selector } from '../../copy/selector.js';
import type { Limiter } from '../../copy/limiter.js';
import { readManifest } from '../../copy/read-manifest.js';
import { tagContext } from '../../copy/tag-context.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { ContentError, CopyError } from '../../oci/errors.js';
import { isManifest } from '../../oci/media-types.js';
import { formatPlatform, platformList, type PlatformsAsked } from '../../oci/platform.js';
import { printable } from '../../oci/text.js';
import type { ReadOnlyTarget, TagContext } from '../../targets/target.js';
import { peekSourceRoot } from './compare.js';

/** Reads what a source reference names; `manifests`: what was read from that source so far. */
export type SourceRootReader = (src: ReadOnlyTarget, srcRef: Selector, manifests: Map<string, Buffer>) => Promise<Descriptor>;

/**
 * Every source image of a job resolved once, however many destinations (or entries) take it: its
 * root by the cheapest read the source has (a HEAD), the root the platforms asked for choose from
 * it, and what destinations are told beside each tag. Manifests read on the way are kept per
 * source, verified, so the copies that follow fetch none of them again.
 */
export class SourceRoots {
  private readonly peeks = new Map<string, Promise<Descriptor>>();
  private readonly roots = new Map<string, Promise<ResolvedRoot>>();
  private readonly contexts = new Map<string, Promise<TagContext>>();
  private readonly manifests = new Map<ReadOnlyTarget, Map<string, Buffer>>();

  constructor(
    /** The job's transfer slots: a manifest read takes one, as the copies' reads do. */
    private readonly slots: Limiter,
    private readonly signal?: AbortSignal,
    /** How the source's root is first read: a HEAD where the source has one (see `peekSourceRoot`). */
    private readonly readRoot: SourceRootReader = peekSourceRoot,
  ) {}

  /** The verified manifests read from `src` so far, by digest: shared with every copy from it. */
  manifestCache(src: ReadOnlyTarget): Map<string, Buffer> {
    let cache = this.manifests.get(src);
    if (!cache) this.manifests.set(src, (cache = new Map()));
    return cache;
  }

  /** Manifests a caller already holds for `src` (verified, by digest): read from and added to. */
  shareManifests(src: ReadOnlyTarget, cache: Map<string, Buffer>): void {
    this.manifests.set(src, cache);
  }

  /** The root `srcRef` names in `src`, and what `platform` makes of it. */
  resolve(src: ReadOnlyTarget, srcRef: Selector, platform: PlatformsAsked): Promise<ResolvedRoot> {
    const key = `${this.keyOf(src, srcRef)}\u0000${platformKey(platform)}`;
    let resolved = this.roots.get(key);
    if (!resolved) {
      resolved = this.choose(src, srcRef, platform);
      resolved.catch(() => undefined);
      this.roots.set(key, resolved);
    }
    return resolved;
  }

  /** What a destination is told beside each tag of this image (its repository, the platform asked first). */
  context(src: ReadOnlyTarget, srcRef: Selector, platform: PlatformsAsked): Promise<TagContext> {
    const key = `${this.keyOf(src, srcRef)}\u0000${platformKey(platform)}`;
    let context = this.contexts.get(key);
    if (!context) {
      context = tagContext(src, srcRef, platform);
      context.catch(() => undefined);
      this.contexts.set(key, context);
    }
    return context;
  }

  private async choose(src: ReadOnlyTarget, srcRef: Selector, platform: PlatformsAsked): Promise<ResolvedRoot> {
    let peek = this.peeks.get(this.keyOf(src, srcRef));
    if (!peek) this.peeks.set(this.keyOf(src, srcRef), (peek = this.readRoot(src, srcRef, this.manifestCache(src))));
    let source = await peek;
    // A tag read cheaply may name what is no manifest (a login page): the source's own resolve,
    // which keeps what that read fetched, refuses it in its words. Never copied as a blob and tagged.
    if (!isManifest(source.mediaType)) source = await src.resolve(source.digest);
    if (!isManifest(source.mediaType))
      throw new ContentError(
        `${src.description} names ${printable(source.mediaType, 100)} by ${printable(rootSelector(srcRef) ?? 'its only image')}, which is not a manifest media type`,
      );
    const wanted = platformList(platform);
    // Without platforms the root is what the source names: nothing more to read until the copy.
    if (!wanted.length) return { source, root: source };
    const cache = this.manifestCache(src);
    return chooseRoot(src, srcRef, source, wanted, { manifest: (desc) => this.readManifest(src, desc, cache) }, cache);
  }

  private async readManifest(src: ReadOnlyTarget, desc: Descriptor, cache: Map<string, Buffer>): Promise<Buffer> {
    const kept = cache.get(desc.digest);
    if (kept) return kept;
    const content = await this.slots.run(async () => {
      try {
        return await readManifest(await src.fetch(desc, this.signal), desc);
      } catch (err) {
        throw err instanceof CopyError ? err : new CopyError('source', `fetching manifest ${desc.digest} from ${src.description}`, err);
      }
    });
    cache.set(desc.digest, content);
    return content;
  }

  private keyOf(src: ReadOnlyTarget, srcRef: Selector): string {
    return `${src.description}\u0000${rootSelector(srcRef) ?? ''}`;
  }
}

function platformKey(platform: PlatformsAsked): string {
  return platformList(platform).map(formatPlatform).join(',');
}
