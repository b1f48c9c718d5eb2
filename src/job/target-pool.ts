import { InputError } from '../oci/errors.js';
import { formatReference, type Reference } from '../oci/reference.js';
import { openDestination, openSource, type OpenTargetOptions } from '../targets/open-target.js';
import { RegistryConnections, type RateLimitNote } from '../targets/registry/index.js';
import type { ReadOnlyTarget, Target } from '../targets/target.js';

/** Opens the targets a run's items name. */
export interface RunTargets {
  source(ref: Reference): Promise<ReadOnlyTarget>;
  destination(ref: Reference): Promise<Target>;
  /** Told the targets of each item that succeeded (so they commit what they wrote when closed). */
  served?(target: ReadOnlyTarget): void;
}

/**
 * The targets of one run, each opened once: a repository or file named by several items is one
 * target (one layout writer, one archive being written), and every registry repository shares its
 * host's connections and tokens. `close` ends them all: a target ends in success when some item
 * it served succeeded, so a failed item never commits, and a good one never loses, what it wrote.
 */
export class TargetPool implements RunTargets {
  readonly connections = new RegistryConnections();
  private readonly sources = new Map<string, Promise<ReadOnlyTarget>>();
  private readonly destinations = new Map<string, Promise<Target>>();
  private readonly places = new Map<string, Promise<Target>>();
  private readonly opened: ReadOnlyTarget[] = [];
  private readonly succeeded = new Set<ReadOnlyTarget>();

  constructor(
    private readonly sourceOptions: OpenTargetOptions,
    private readonly destinationOptions: OpenTargetOptions,
  ) {}

  source(ref: Reference): Promise<ReadOnlyTarget> {
    return this.open(this.sources, ref, () =>
      openSource(ref, { ...this.sourceOptions, connections: { pool: this.connections, side: 'source' } }),
    );
  }

  destination(ref: Reference): Promise<Target> {
    return this.open(this.destinations, ref, () =>
      openDestination(ref, { ...this.destinationOptions, connections: { pool: this.connections, side: 'destination' } }),
    );
  }

  /**
   * A place an image is acted on where it is (verified, signed): read and written through one
   * target, opened with the source's settings (its credentials). A layout must exist: it is never
   * created; a dry run writes nothing to it (its stages do not write). A registry repository or a
   * layout only: an archive is refused before a job starts (`checkInPlace`).
   */
  inPlace(ref: Reference): Promise<Target> {
    return this.open(this.places, ref, async () => {
      if (ref.transport === 'registry')
        return openDestination(ref, { ...this.sourceOptions, connections: { pool: this.connections, side: 'source' } });
      if (ref.transport !== 'oci')
        throw new InputError(
          `${formatReference(ref)} is an archive: an image is verified or signed in place in a registry or an oci: layout`,
        );
      return (await import('../targets/layout/layout.js')).openLayout(ref.path, { create: false });
    });
  }

  /** Marks a target as having served a successful item. */
  served(target: ReadOnlyTarget): void {
    this.succeeded.add(target);
  }

  /** What registries said of their pull limits. */
  rateLimits(): RateLimitNote[] {
    return this.connections.rateLimits();
  }

  /**
   * Closes every target, then the connections. A target that served a successful item commits
   * (unless `outcome` is `failure`: an interrupt, where everything half written goes); the first
   * failure to close one that should commit (an archive that cannot be finished) is thrown once
   * everything is closed.
   */
  async close(outcome?: 'failure'): Promise<void> {
    const targets = this.opened.splice(0);
    const closing = targets.map((t) => t.close(outcome ?? (this.succeeded.has(t) ? 'success' : 'failure')));
    const settled = await Promise.allSettled(closing);
    await this.connections.close();
    const failed = outcome ? undefined : settled.find((r, i) => r.status === 'rejected' && this.succeeded.has(targets[i]));
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private open<T extends ReadOnlyTarget>(cache: Map<string, Promise<T>>, ref: Reference, make: () => Promise<T>): Promise<T> {
    const key = placeOf(ref);
    let opening = cache.get(key);
    if (!opening) {
      opening = make();
      cache.set(key, opening);
      opening.then(
        (t) => this.opened.push(t),
        () => cache.delete(key),
      );
    }
    return opening;
  }
}

/** What a reference names as a place, tags and digest aside. */
function placeOf(ref: Reference): string {
  return formatReference({ ...ref, tags: [], digest: undefined });
}
