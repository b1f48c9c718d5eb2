import { pause } from '../cancel/index.js';

/**
 * A list that several writers append to by reading it, adding their entry and writing it back
 * whole: the `sha256-<hex>` referrers index, cosign's `sha256-<hex>.sig` manifest. A registry
 * without conditional writes cannot make that atomic, so two writers at the same moment each write
 * what they read plus their own, and the later one drops the earlier one's entry. A writer
 * converges instead: after writing it reads the list back; when an entry of its own, or any entry
 * it has seen in the list, is missing, it waits a jittered while, merges and writes again; once
 * the list is whole it checks once more after a settle time longer than its own read and write took.
 */
export interface SharedList<E> {
  /** What makes two entries the same one. */
  key(entry: E): string;
  /** The list now (empty when it does not exist yet). */
  read(): Promise<E[]>;
  /** Writes the list whole. */
  write(entries: E[]): Promise<void>;
  /** The error thrown when the list still lost entries after the last round. */
  lost(missing: number, rounds: number): Error;
  signal?: AbortSignal;
  /** No other writer can reach the list (a layout of this process): written once, not read back. */
  alone?: boolean;
}

export interface SharedListWrite {
  /** False when every entry was there already: nothing was written. */
  written: boolean;
  /** How many times the list had lost entries to another writer and was merged and written again. */
  merges: number;
  /** Entries in the list as last read. */
  entries: number;
}

/** Rounds of write and check before giving up. */
export const SHARED_LIST_ROUNDS = 10;
const SETTLE_MIN_MS = 300;
const SETTLE_MAX_MS = 3000;
const BACKOFF_BASE_MS = 50;
const BACKOFF_MAX_MS = 1000;

/** Between `ms` × (1 - spread) and `ms` × (1 + spread). */
function jitter(ms: number, spread = 0.5): number {
  return ms * (1 - spread + Math.random() * 2 * spread);
}

/** Adds `ours` to the list unless there already, and makes sure nothing it added or saw stays lost. */
export async function appendToSharedList<E>(list: SharedList<E>, ours: readonly E[]): Promise<SharedListWrite> {
  // Everything to keep: ours, and every entry seen in the list while this runs.
  const keep = new Map<string, E>();
  for (const e of ours) keep.set(list.key(e), e);
  const see = (entries: E[]): E[] => {
    for (const e of entries) if (!keep.has(list.key(e))) keep.set(list.key(e), e);
    return entries;
  };
  const missing = (entries: E[]): E[] => {
    const there = new Set(entries.map((e) => list.key(e)));
    return [...keep.entries()].filter(([k]) => !there.has(k)).map(([, e]) => e);
  };
  let readAt = Date.now();
  let current = see(await list.read());
  if (missing(current).length === 0) return { written: false, merges: 0, entries: current.length };
  if (list.alone) {
    await list.write([...current, ...missing(current)]);
    return { written: true, merges: 0, entries: keep.size };
  }
  let merges = 0;
  for (let round = 1; ; round++) {
    await list.write([...current, ...missing(current)]);
    // A read and a write took us this long; another writer's take as long. Whoever read before our
    // write writes within about that time after it: the settle time is a few times as long.
    const settle = Math.min(SETTLE_MAX_MS, Math.max(SETTLE_MIN_MS, 3 * (Date.now() - readAt)));
    let lost: E[] = [];
    for (const wait of [0, settle]) {
      if (wait) await pause(jitter(wait, 0.25), list.signal);
      current = see(await list.read());
      lost = missing(current);
      if (lost.length) break;
    }
    if (lost.length === 0) return { written: true, merges, entries: current.length };
    if (round >= SHARED_LIST_ROUNDS) throw list.lost(lost.length, round);
    merges++;
    await pause(jitter(Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** round)), list.signal);
    readAt = Date.now();
    current = see(await list.read());
  }
}
