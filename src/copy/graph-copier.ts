import { Readable } from 'node:stream';
import { plainDescriptor, type Descriptor } from '../oci/descriptor.js';
import { ContentError, CopyError, DigestMismatchError, isRetryable, registryErrorCode } from '../oci/errors.js';
import { isImageConfig, isIndex, isManifest } from '../oci/media-types.js';
import { defaultSuccessors } from '../oci/manifest.js';
import { referrerOf } from '../oci/referrers.js';
import {
  isBlobSizeLimited,
  isLocated,
  isPushNoter,
  isMounter,
  isTaggingPusher,
  type ReadOnlyTarget,
  type Resumable,
  type TaggingPusher,
  type Target,
} from '../targets/target.js';
import type { UploadTicket } from './blob-ledger.js';
import { ReferrerFinder } from './referrer-finder.js';
import type { CopyEvent, FoundReferrer, NodeAction } from './events.js';
import { abortReason, pause } from '../cancel/index.js';
import { Limiter } from './limiter.js';
import { MAX_GRAPH_DEPTH, MAX_GRAPH_NODES, MAX_HELD_MANIFEST_BYTES, MAX_KEPT_CONFIG_BYTES, MAX_REFERRER_GENERATIONS } from './limits.js';
import { mountCandidates } from './mount-candidates.js';
import { BLOB_TRIES, DEFAULT_CONCURRENCY, type CopyOptions, type SuccessorFn } from './options.js';
import { readManifest } from './read-manifest.js';
import { failedAtHolder } from './relay.js';
import { VerifiedBlob } from './verified-blob.js';
import { printable } from '../oci/text.js';
import { Tagger } from './tagging.js';

/** How many bytes of a blob pass between two `progress` events (and its last byte always tells). */
const PROGRESS_STEP_BYTES = 256 * 1024;

/**
 * Copies the graph under a root from one target to another: each node once however many parents
 * share it, children before parents, at most `concurrency` transfers at a time, skipping what the
 * destination has, mounting what it can, verifying every byte on the way.
 */
export class GraphCopier {
  /** Every node met so far, by digest: one digest is one node, with one size and one kind. */
  private readonly nodes = new Map<string, GraphNode>();
  private readonly manifests: Map<string, Buffer>;
  /** Bytes of the manifests this copy fetched and holds. */
  private heldManifestBytes = 0;
  private readonly manifestTypes = new Map<string, string>();
  private readonly limiter: Limiter;
  private readonly checks: Limiter;
  private readonly successors: SuccessorFn;
  private readonly tagger: Tagger;
  private readonly finder: ReferrerFinder;
  private firstError: unknown;
  /**
   * Fired with the first error (or the caller's `signal`): every request, retry and wait the copy
   * started ends at once, so a failed copy fails as soon as its error is known.
   */
  private readonly abort = new AbortController();
  /** The root to store and tag in one step, what to do right before, and whether that happened. */
  private rootTag?: { digest: string; reference: string; pusher: TaggingPusher; before?: () => Promise<void>; done: boolean };

  constructor(
    private readonly src: ReadOnlyTarget,
    private readonly dst: Target,
    private readonly options: CopyOptions = {},
  ) {
    this.limiter = options.transfers ?? new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.checks = options.checks ?? new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.manifests = options.manifestCache ?? new Map();
    this.successors = options.successors ?? defaultSuccessors;
    this.tagger = new Tagger(dst, options);
    this.finder = new ReferrerFinder(src, (what, step) => this.sourceStep(what, step));
  }

  /**
   * Copies everything under `root`, then `root`. Waits for every started transfer before failing.
   * With `tagAs`, a destination that can store and tag a manifest at once (a registry) gets the
   * root that way, last as ever; returns whether it did, so the caller does not tag it again.
   * `beforeTag` runs right before that store-and-tag (to read what the tag names now, or refuse).
   */
  async copy(root: Descriptor, tagAs?: string, beforeTag?: () => Promise<void>): Promise<boolean> {
    const pusher = this.dst;
    this.rootTag =
      tagAs !== undefined && !this.options.dryRun && isTaggingPusher(pusher)
        ? { digest: root.digest, reference: tagAs, pusher, before: beforeTag, done: false }
        : undefined;
    const stopFollowing = this.followCallerSignal();
    try {
      await this.node(root, { what: 'the root', depth: 0 });
      return this.rootTag?.done ?? false;
    } catch (err) {
      this.fail(err);
      // Everything started was cancelled with the error: this wait is short, and after it nothing
      // of this copy is still writing.
      await Promise.allSettled([...this.nodes.values()].map((n) => n.done));
      throw this.firstError;
    } finally {
      stopFollowing();
    }
  }

  /**
   * Copies what refers to the manifests copied so far (signatures, SBOMs, attestations), and what
   * refers to those, each with its own graph, and reports for each manifest what it found. They
   * are found through the source's referrers listing and cosign's tags (`sha256-<hex>.sig`,
   * `.att`, `.sbom`); a cosign attachment is tagged the same at the destination. A source that can
   * do neither has none to give.
   */
  async copyReferrers(): Promise<void> {
    if (!this.canFindReferrers) return;
    const visited = new Set<string>();
    let subjects = this.manifestDescriptors();
    for (let depth = 0; subjects.length; depth++) {
      const next: Descriptor[] = [];
      for (const subject of subjects) {
        if (visited.has(subject.digest)) continue;
        visited.add(subject.digest);
        const found = await this.referrersOf(subject);
        if (found.length && depth >= MAX_REFERRER_GENERATIONS) {
          throw new ContentError(
            `${this.src.description} has referrers of referrers more than ${MAX_REFERRER_GENERATIONS} generations deep (under ${subject.digest}): refusing to follow them further`,
          );
        }
        for (const r of found) {
          const plain = {
            mediaType: r.mediaType,
            digest: r.digest,
            size: r.size,
            ...(r.artifactType ? { artifactType: r.artifactType } : {}),
          };
          await this.refuseOtherSubject(plain, subject);
          await this.copy(plain);
          if (r.tag) await this.tagger.tag(plain, r.tag);
          next.push(plain);
        }
        this.emit({ type: 'referrers', node: plainDescriptor(subject), referrers: found, depth });
      }
      subjects = next;
    }
  }

  /**
   * A referrer listed for `subject` refers to it: one whose own `subject` names another digest (a
   * listing or a `sha256-<hex>` index that lies) is refused before it is copied, so no other
   * image's signature lands beside this one. Cosign's tagged attachments carry no subject.
   */
  private async refuseOtherSubject(referrer: Descriptor, subject: Descriptor): Promise<void> {
    if (!isManifest(referrer.mediaType)) return;
    const named = referrerOf(referrer, await this.manifest(referrer))?.subject.digest;
    if (named === undefined || named === subject.digest) return;
    throw new DigestMismatchError(
      `${this.src.description} lists ${referrer.digest} as a referrer of ${subject.digest}, but its subject is ${printable(named, 140)}: refused`,
      subject.digest,
      named,
    );
  }

  private get canFindReferrers(): boolean {
    return this.finder.possible;
  }

  /** The referrers of one manifest in the source: those it lists, then cosign's tag attachments, each once. */
  async referrersOf(subject: Descriptor): Promise<FoundReferrer[]> {
    return this.finder.find(subject);
  }

  /** The caller's `signal` cancels the copy as a failure would; returns how to stop listening. */
  private followCallerSignal(): () => void {
    const caller = this.options.signal;
    if (!caller) return () => {};
    const onAbort = () => this.fail(abortReason(caller));
    if (caller.aborted) onAbort();
    else caller.addEventListener('abort', onAbort, { once: true });
    return () => caller.removeEventListener('abort', onAbort);
  }

  /** The first failure is the copy's: it cancels everything else the copy started. */
  private fail(err: unknown): void {
    this.firstError ??= err;
    if (!this.abort.signal.aborted) this.abort.abort(this.firstError);
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Every manifest and index of the graph walked so far. */
  private manifestDescriptors(): Descriptor[] {
    return [...this.manifestTypes].map(([digest, mediaType]) => ({ digest, mediaType, size: this.manifests.get(digest)?.length ?? 0 }));
  }

  /**
   * The bytes of a manifest, fetched once and verified. Reading one (an index a platform is chosen
   * from) does not make it part of the copy: only walked manifests are subjects for referrers.
   */
  async manifest(desc: Descriptor): Promise<Buffer> {
    const cached = this.manifests.get(desc.digest);
    if (cached) return cached;
    const content = await this.limiter.run(() =>
      this.sourceStep(`fetching manifest ${desc.digest} from ${this.src.description}`, async () =>
        readManifest(await this.src.fetch(desc, this.signal), desc),
      ),
    );
    if (!this.manifests.has(desc.digest)) {
      this.heldManifestBytes += content.length;
      if (this.heldManifestBytes > MAX_HELD_MANIFEST_BYTES) {
        throw new ContentError(
          `the manifests of ${this.src.description} under this root add up to more than ${MAX_HELD_MANIFEST_BYTES / 1024 / 1024} MiB: refusing to hold more`,
        );
      }
    }
    this.manifests.set(desc.digest, content);
    return content;
  }

  private node(desc: Descriptor, listing: Listing): Promise<void> {
    return this.enter(desc, listing, (node) => (isManifest(desc.mediaType) ? this.copyManifest(node) : this.copyBlob(desc)));
  }

  /**
   * The one node a descriptor names, started by `work` when it is new. Wherever a digest is listed
   * again it must come with the same size and kind (blob, manifest or index): otherwise one listing
   * would go uncopied (a manifest listed first as a blob loses its layers) or unchecked, so the two
   * listings are an error naming both. New nodes are counted against the graph's limits.
   */
  private enter(desc: Descriptor, listing: Listing, work: (node: GraphNode) => Promise<void>): Promise<void> {
    const known = this.nodes.get(desc.digest);
    if (known) {
      if (known.desc.size === desc.size && nodeKind(known.desc) === nodeKind(desc)) return known.done;
      return this.guard(async () => {
        throw new ContentError(
          `${this.src.description} lists ${desc.digest} two ways: as ${nodePhrase(known.desc)} in ${known.listedIn}, and as ${nodePhrase(desc)} in ${listing.what}; one digest must describe one piece of content`,
        );
      });
    }
    if (listing.depth > MAX_GRAPH_DEPTH) {
      return this.guard(async () => {
        throw new ContentError(
          `${listing.what} in ${this.src.description} lists content more than ${MAX_GRAPH_DEPTH} levels below the root: refusing a graph that deep`,
        );
      });
    }
    if (this.nodes.size >= MAX_GRAPH_NODES) return this.guard(async () => this.tooManyNodes(listing));
    const node: GraphNode = { desc, listedIn: listing.what, depth: listing.depth, done: Promise.resolve() };
    this.nodes.set(desc.digest, node);
    node.done = this.guard(() => work(node));
    return node.done;
  }

  /** Refuses a manifest's children before any of them starts when they would take the graph past its node limit. */
  private admit(children: Descriptor[], listing: Listing): void {
    if (this.nodes.size + children.length <= MAX_GRAPH_NODES) return;
    const fresh = new Set(children.filter((c) => !this.nodes.has(c.digest)).map((c) => c.digest)).size;
    if (this.nodes.size + fresh > MAX_GRAPH_NODES) this.tooManyNodes(listing);
  }

  private tooManyNodes(listing: Listing): never {
    throw new ContentError(
      `the graph in ${this.src.description} has more than ${MAX_GRAPH_NODES} nodes (${listing.what} lists more): refusing a graph that large`,
    );
  }

  /** Refuses new work once anything failed, so one failure stops the copy quickly. */
  private async guard(work: () => Promise<void>): Promise<void> {
    if (this.firstError) throw this.firstError;
    try {
      await work();
    } catch (err) {
      this.fail(err);
      throw err;
    }
  }

  /** Work that waited for a slot is dropped once anything failed: the copy is failing anyway. */
  private stopIfFailed(): void {
    if (this.firstError) throw this.firstError;
  }

  private async children(desc: Descriptor, content: Buffer): Promise<Descriptor[]> {
    // A parse error names the manifest and what is wrong in it; the step names the source.
    const children = await this.sourceStep(`reading ${this.src.description}`, async () => this.successors(desc, content));
    this.emit({ type: 'walked', node: desc, children });
    return children;
  }

  private async copyManifest(node: GraphNode): Promise<void> {
    const desc = node.desc;
    // The check and the fetch are independent round trips: make them at once.
    // Both settle before either failure is thrown, so no fetch outlives the copy. A layer the
    // destination is known to refuse fails the copy as soon as its manifest is read.
    const putBack = this.options.putBack;
    const walked = this.manifest(desc).then(async (content) => {
      const children = await this.children(desc, content);
      this.refuseOversized(desc, children);
      return { content, children };
    });
    const [{ content, children }, existing] = await allOrFirstError([
      walked,
      putBack
        ? Promise.resolve(!putBack.has(desc.digest))
        : this.destinationStep(`checking manifest ${desc.digest} in ${this.dst.description}`, () => this.dst.exists(desc, this.signal)),
    ] as const);
    this.manifestTypes.set(desc.digest, desc.mediaType);
    const listing = childListing(node);
    this.admit(children, listing);
    if (existing) {
      // A registry holds a manifest only with all it refers to: account for the subtree, move nothing.
      // A repair knows better: what was found missing below it is put back.
      await Promise.all(children.map((c) => (putBack ? this.node(c, listing) : this.markExisting(c, listing))));
      this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
      return;
    }
    await Promise.all(children.map((c) => this.node(c, listing)));
    if (this.options.dryRun) {
      this.emit({ type: 'done', node: desc, action: 'copy', bytes: 0 });
      return;
    }
    // Another image of the run pushing this child manifest into the same repository: it is there once that push ends.
    const ticket = await this.claimManifest(desc);
    if (ticket?.kind === 'present') {
      this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
      return;
    }
    let ok = false;
    try {
      await this.limiter.run(() => {
        this.stopIfFailed();
        this.emit({ type: 'started', node: desc });
        return this.pushManifest(desc, content, children);
      });
      ok = true;
    } finally {
      if (ticket?.kind === 'first') ticket.settle(ok);
    }
    this.emit({ type: 'done', node: desc, action: 'copied', bytes: desc.size });
  }

  /** The ledger's word on a child manifest (the root is pushed under each image's own tag). */
  private async claimManifest(desc: Descriptor): Promise<UploadTicket | undefined> {
    const dst = this.dst;
    if (!this.options.ledger || this.rootTag?.digest === desc.digest || !isLocated(dst)) return undefined;
    return this.options.ledger.claimManifest(dst.location.registry, dst.location.repository, desc.digest, this.signal);
  }

  private async pushManifest(desc: Descriptor, content: Buffer, children: Descriptor[]): Promise<void> {
    const what = `pushing manifest ${desc.digest} to ${this.dst.description}`;
    const asRoot = this.rootTag?.digest === desc.digest ? this.rootTag : undefined;
    await asRoot?.before?.();
    const push = () =>
      asRoot
        ? asRoot.pusher.pushTagged(desc, Readable.from([content]), asRoot.reference, this.signal)
        : this.dst.push(desc, Readable.from([content]), this.signal);
    try {
      await this.destinationStep(what, push);
    } catch (err) {
      const code = registryErrorCode((err as CopyError).cause);
      // The registry lost a child since we checked: push the children again and retry once.
      if (code === 'MANIFEST_BLOB_UNKNOWN')
        for (const child of children.filter((c) => !isManifest(c.mediaType))) await this.transferBlob(child);
      else throw err;
      await this.destinationStep(what, push);
    }
    if (asRoot) asRoot.done = true;
    // A referrers index another writer changed at the same moment, merged again: said, not hidden.
    if (isPushNoter(this.dst))
      for (const note of this.dst.pushNotes(desc)) this.emit({ type: 'notice', node: desc, message: note.message });
  }

  /**
   * A layer larger than the destination is known to take (GHCR: 10 GB) fails the copy before any of
   * its bytes move, in one line naming it, its size and the limit: the registry would refuse it only
   * after the whole upload.
   */
  private refuseOversized(manifest: Descriptor, children: Descriptor[]): void {
    const limit = isBlobSizeLimited(this.dst) ? this.dst.blobSizeLimit() : undefined;
    if (!limit) return;
    const over = children.find((c) => !isManifest(c.mediaType) && c.size > limit.bytes);
    if (!over) return;
    const err = this.wrap(
      'destination',
      `pushing blob ${over.digest} to ${this.dst.description}`,
      new ContentError(
        `the layer of manifest ${manifest.digest} is ${(over.size / 1e9).toFixed(1)} GB (${over.size} bytes), more than the registry takes (${limit.stated} per layer): refused before any byte moved; copy it to a registry without that limit, or rebuild the image with smaller layers`,
      ),
    );
    this.fail(err);
    throw err;
  }

  private markExisting(desc: Descriptor, listing: Listing): Promise<void> {
    return this.enter(desc, listing, async (node) => {
      if (isManifest(desc.mediaType)) {
        const children = await this.children(desc, await this.manifest(desc));
        this.manifestTypes.set(desc.digest, desc.mediaType);
        const below = childListing(node);
        this.admit(children, below);
        await Promise.all(children.map((c) => this.markExisting(c, below)));
      } else {
        this.remember(this.dst, desc);
      }
      this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
    });
  }

  private async copyBlob(desc: Descriptor): Promise<void> {
    // Checks run ahead on their own slots, so transfer slots never wait on a HEAD round trip.
    const putBack = this.options.putBack;
    const exists = putBack
      ? !putBack.has(desc.digest)
      : await this.checks.run(() => {
          this.stopIfFailed();
          return this.destinationStep(`checking blob ${desc.digest} in ${this.dst.description}`, () => this.dst.exists(desc, this.signal));
        });
    if (exists) {
      this.remember(this.dst, desc);
      this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
      return;
    }
    // Another copy of the run may be putting this blob into the same registry: wait for it
    // (without a slot), then find it here or mount it from where it went.
    const ticket = await this.claimUpload(desc);
    if (ticket?.kind === 'present') {
      this.emit({ type: 'done', node: desc, action: 'exists', bytes: 0 });
      return;
    }
    let ok = false;
    try {
      await this.limiter.run(async () => {
        this.stopIfFailed();
        if (await this.mountBlob(desc, ticket?.kind === 'mount' ? ticket.from : undefined)) return;
        if (this.options.dryRun) {
          this.emit({ type: 'done', node: desc, action: 'copy', bytes: 0 });
          return;
        }
        await this.transferBlob(desc);
      });
      ok = true;
    } finally {
      ticket?.settle(ok);
    }
  }

  private async claimUpload(desc: Descriptor): Promise<UploadTicket | undefined> {
    const dst = this.dst;
    if (!this.options.ledger || this.options.dryRun || this.options.mount === false || !isMounter(dst)) return undefined;
    return this.options.ledger.claim(dst.location.registry, dst.location.repository, desc.digest, this.signal);
  }

  /**
   * Tries each mount candidate (`first`, when given, before the others); the last one may upload on
   * the session a refused mount opens.
   */
  private async mountBlob(desc: Descriptor, first?: string): Promise<boolean> {
    const dst = this.dst;
    if (this.options.mount === false || !isMounter(dst)) return false;
    const others = mountCandidates(this.src, dst, desc, this.options.blobCache);
    const candidates = first && first !== dst.location.repository ? [first, ...others.filter((r) => r !== first)] : others;
    if (candidates.length && this.options.dryRun) {
      this.emit({ type: 'done', node: desc, action: 'mount', from: candidates[0], bytes: 0 });
      return true;
    }
    for (const [i, from] of candidates.entries()) {
      let opened: VerifiedBlob | undefined;
      const upload = async () => {
        this.emit({ type: 'started', node: desc });
        opened = this.openVerified(desc);
        return opened.stream;
      };
      // The upload on a refused mount's session goes on where it broke off, as any other.
      const resume: Resumable = {
        from: (offset) => opened!.from(offset),
        resumed: (info) => opened?.resumed(info),
      };
      const last = i === candidates.length - 1;
      // A mount never fails the copy: whatever goes wrong, the blob is uploaded the ordinary way.
      const outcome = await dst.mount(desc, from, last ? upload : undefined, this.signal, resume).catch(() => 'refused' as const);
      this.stopIfFailed();
      const sourceFailure = opened?.sourceFailure();
      if (outcome !== 'uploaded') opened?.stream.destroy();
      // An earlier destination that stopped giving the blob (see `relaySource`): it is uploaded from the source below.
      if (sourceFailure && !failedAtHolder(sourceFailure))
        throw this.wrap('source', `fetching blob ${desc.digest} from ${this.src.description}`, sourceFailure);
      if (outcome === 'mounted') {
        this.remember(dst, desc);
        this.options.blobCache?.record({ registry: dst.location.registry, repository: from }, desc.digest);
        this.emit({ type: 'done', node: desc, action: 'mounted', from, bytes: 0 });
        return true;
      }
      if (outcome === 'uploaded') {
        this.remember(this.src, desc);
        this.remember(dst, desc);
        if (opened) this.emitConfig(desc, opened);
        this.emit({ type: 'done', node: desc, action: 'copied', bytes: desc.size, ...resentOf(opened?.resent ?? 0) });
        return true;
      }
    }
    return false;
  }

  /** Fetch → verify → push, again with fresh content when a target says the failure was passing. */
  private async transferBlob(desc: Descriptor): Promise<void> {
    /** Bytes sent more than once: within a try (an upload that went on), and all of a try that failed. */
    let resent = 0;
    for (let attempt = 1; ; attempt++) {
      let opened: VerifiedBlob | undefined;
      try {
        this.emit({ type: 'started', node: desc });
        opened = this.openVerified(desc);
        await this.dst.push(desc, opened.stream, this.signal, opened);
        resent += opened.resent;
        // Only now are the source's bytes known to be the blob's: the cache may name it as a place.
        this.remember(this.src, desc);
        this.emitConfig(desc, opened);
        break;
      } catch (err) {
        const sourceFailure = opened ? opened.sourceFailure() : err;
        // Release the source's connection: a destination that failed early may never have read it.
        opened?.stream.destroy();
        resent += opened?.delivered ?? 0;
        // An earlier destination that stopped giving the blob (see `relaySource`): read it again, from the source.
        if (sourceFailure && attempt < BLOB_TRIES && failedAtHolder(sourceFailure)) continue;
        if (sourceFailure) throw this.wrap('source', `fetching blob ${desc.digest} from ${this.src.description}`, sourceFailure);
        if (attempt >= BLOB_TRIES || !isRetryable(err)) {
          const failure = this.wrap('destination', `pushing blob ${desc.digest} to ${this.dst.description}`, err);
          if (attempt > 1 && !/ after [0-9]+ tries/.test(failure.message)) failure.message += ` after ${attempt} tries`;
          throw failure;
        }
        await pause(retryWait(err, attempt), this.signal);
      }
    }
    this.remember(this.dst, desc);
    this.emit({ type: 'done', node: desc, action: 'copied', bytes: desc.size, ...resentOf(resent) });
  }

  /**
   * The source's bytes behind a verifier that errors, rather than ends, when they are wrong, and
   * that the destination may read again from an offset (an upload that goes on where the registry
   * has it: see `VerifiedBlob`). It tells a failure of the source (a cut download, bytes that do not
   * match) from a destination that stopped reading, whose download then ends early without blame.
   * The fetch is started, not awaited: its round trip overlaps the destination opening its upload.
   */
  private openVerified(desc: Descriptor): VerifiedBlob {
    const keep = isImageConfig(desc.mediaType) ? MAX_KEPT_CONFIG_BYTES : 0;
    // Progress is told in steps, not per chunk: a 128 MB blob arrives in thousands of chunks, and
    // each event passes every listener (the log, the terminal, the report).
    let told = 0;
    const progress = (bytes: number) => {
      if (bytes - told < PROGRESS_STEP_BYTES && bytes < desc.size) return;
      told = bytes;
      this.emit({ type: 'progress', node: desc, bytes });
    };
    const resumed = ({ offset, resent, reason }: { offset: number; resent: number; reason: string }) =>
      this.emit({ type: 'resumed', node: desc, offset, resent, reason });
    return new VerifiedBlob(desc, this.src, this.signal, progress, keep, resumed);
  }

  /** A config that passed whole through the verifier is told with its bytes (see the `config` event). */
  private emitConfig(desc: Descriptor, opened: VerifiedBlob): void {
    const content = opened.kept;
    if (content) this.emit({ type: 'config', node: desc, content });
  }

  private remember(target: ReadOnlyTarget, desc: Descriptor): void {
    if (!this.options.blobCache || !isLocated(target) || isManifest(desc.mediaType)) return;
    try {
      this.options.blobCache.record(target.location, desc.digest);
    } catch {
      // the cache only ever costs mounts, never a copy
    }
  }

  private emit(event: CopyEvent): void {
    this.options.onEvent?.(event);
  }

  private sourceStep<T>(what: string, step: () => Promise<T>): Promise<T> {
    return step().catch((err) => Promise.reject(this.wrap('source', what, err)));
  }

  private destinationStep<T>(what: string, step: () => Promise<T>): Promise<T> {
    return step().catch((err) => Promise.reject(this.wrap('destination', what, err)));
  }

  private wrap(side: 'source' | 'destination', what: string, err: unknown): CopyError {
    return err instanceof CopyError ? err : new CopyError(side, what, err);
  }
}

/** `resent` on a `done` event, when bytes were sent more than once. */
function resentOf(bytes: number): { resent?: number } {
  return bytes > 0 ? { resent: bytes } : {};
}

/** The wait the target asked for (its `Retry-After` or backoff), else 250 ms doubling. */
function retryWait(err: unknown, attempt: number): number {
  const asked = (err as { retryAfterMs?: unknown })?.retryAfterMs;
  return typeof asked === 'number' && asked >= 0 ? asked : 250 * 2 ** (attempt - 1);
}

/** Like Promise.all, but rejects only once every promise has settled. */
async function allOrFirstError<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Where a descriptor was listed (`index sha256:…`, `the root`), and how far below the root. */
interface Listing {
  what: string;
  depth: number;
}

interface GraphNode {
  desc: Descriptor;
  /** Where it was first listed, for an error about a second listing that disagrees. */
  listedIn: string;
  depth: number;
  done: Promise<void>;
}

type NodeKind = 'index' | 'manifest' | 'blob';

/** What the engine does with a node: walks an index or a manifest, streams a blob. */
function nodeKind(desc: Descriptor): NodeKind {
  return isIndex(desc.mediaType) ? 'index' : isManifest(desc.mediaType) ? 'manifest' : 'blob';
}

/** `a blob (application/octet-stream) of 512 bytes`. */
function nodePhrase(desc: Descriptor): string {
  const kind = nodeKind(desc);
  return `${kind === 'index' ? 'an' : 'a'} ${kind} (${printable(desc.mediaType, 100)}) of ${desc.size} bytes`;
}

/** The listing a manifest's children share. */
function childListing(parent: GraphNode): Listing {
  return { what: `${nodeKind(parent.desc)} ${parent.desc.digest}`, depth: parent.depth + 1 };
}

export type { NodeAction };
