import { abortReason, throwIfAborted } from '../cancel/index.js';

/** What a copy does about a blob the destination repository lacks, as the ledger tells it. */
export type UploadTicket =
  /** An earlier copy of the run put it into this very repository: it is there. */
  | { kind: 'present' }
  /** Another repository of the registry holds it: mount from `from` (or upload when that fails), then settle. */
  | { kind: 'mount'; from: string; settle: (ok: boolean) => void }
  /** Nobody has it yet: upload it (or mount it from elsewhere), then settle. */
  | { kind: 'first'; settle: (ok: boolean) => void };

interface BlobState {
  /** Repositories of the registry that got the blob in this run. */
  holders: Set<string>;
  /** Repositories it is being uploaded or mounted into, settled when that ends. */
  inFlight: Map<string, Promise<void>>;
}

/**
 * Blobs moving to each registry across the copies of one run. When several images share a blob
 * and go to one registry at the same time, the first copy uploads it, copies into the same
 * repository wait and find it there, and copies into other repositories wait and mount it: the
 * bytes move once per registry, and each repository gets one mount.
 */
export class BlobLedger {
  private readonly blobs = new Map<string, BlobState>();
  /** Manifests pushed (or being pushed) into a repository in this run, by registry, repository and digest. */
  private readonly manifests = new Map<string, Promise<boolean>>();

  /**
   * Call before pushing a child manifest (one no tag names) into `registry/repository`. Several
   * images of a run that share it (tags of one index, platforms of two) push it once: the first
   * gets `first` and settles it, the others wait and find it there (`present`), or push it
   * themselves when the first failed. A registry that stores by rewriting files (distribution's
   * filesystem driver truncates, then writes) can otherwise answer another image's index push
   * while the child's link is empty, with DIGEST_INVALID.
   */
  async claimManifest(registry: string, repository: string, digest: string, signal?: AbortSignal): Promise<UploadTicket> {
    const key = `${registry}\u0000${repository}\u0000${digest}`;
    for (;;) {
      const pending = this.manifests.get(key);
      if (!pending) break;
      let pushed = false;
      await untilSettledOrAborted(
        pending.then((ok) => void (pushed = ok)),
        signal,
      );
      if (pushed) return { kind: 'present' };
      // The first push failed: the next claim tries again, one at a time.
      if (this.manifests.get(key) === pending) this.manifests.delete(key);
    }
    let done!: (ok: boolean) => void;
    this.manifests.set(key, new Promise<boolean>((resolve) => (done = resolve)));
    let settled = false;
    return {
      kind: 'first',
      settle: (ok) => {
        if (settled) return;
        settled = true;
        done(ok);
      },
    };
  }

  /**
   * Call before putting `digest` into `registry/repository`; a ticket with `settle` must be settled.
   * A copy that ends (`signal`) stops waiting for another copy's upload at once.
   */
  async claim(registry: string, repository: string, digest: string, signal?: AbortSignal): Promise<UploadTicket> {
    const key = `${registry}\u0000${digest}`;
    let state = this.blobs.get(key);
    if (!state) this.blobs.set(key, (state = { holders: new Set(), inFlight: new Map() }));
    for (;;) {
      if (state.holders.has(repository)) return { kind: 'present' };
      const mine = state.inFlight.get(repository);
      if (mine) {
        await untilSettledOrAborted(mine, signal);
        continue;
      }
      const holder = state.holders.values().next().value;
      if (holder !== undefined) return { kind: 'mount', from: holder, settle: this.start(state, repository) };
      if (state.inFlight.size) {
        // The first upload to this registry is under way: wait for it, then mount from there.
        await untilSettledOrAborted(Promise.race(state.inFlight.values()), signal);
        continue;
      }
      return { kind: 'first', settle: this.start(state, repository) };
    }
  }

  private start(state: BlobState, repository: string): (ok: boolean) => void {
    let done!: () => void;
    state.inFlight.set(repository, new Promise<void>((resolve) => (done = resolve)));
    let settled = false;
    return (ok) => {
      if (settled) return;
      settled = true;
      state.inFlight.delete(repository);
      if (ok) state.holders.add(repository);
      done();
    };
  }
}

async function untilSettledOrAborted(settled: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  if (!signal) return settled;
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([settled, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
