import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { Digest } from '../oci/digest.js';
import { messageOf } from '../oci/errors.js';
import type { BlobLocation } from '../targets/target.js';
import type { BlobInfoCache, PendingItems } from './types.js';

/** The file format this code writes and the only one it reads. */
export const BLOB_CACHE_FORMAT_VERSION = 1;
export const DEFAULT_MAX_ENTRIES = 50_000;
/** A location seen again counts as news (worth saving) only when its last sighting is this old. */
export const DEFAULT_REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;
/** A file larger than this is not a cache this code wrote. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Images left by a pull budget, kept for the next run: at most this many, each name at most this long. */
export const MAX_PENDING_ITEMS = 20_000;
const MAX_PENDING_KEY = 2048;

export interface FileBlobInfoCacheOptions {
  /** At most this many (registry, repository, digest) entries; the least recently seen go first. */
  maxEntries?: number;
  refreshAfterMs?: number;
  /** Where a corrupt or unreadable file, or a failed save, is reported. */
  warn?: (message: string) => void;
  now?: () => number;
}

/** One entry on disk: `[registry, repository, digest, lastSeenMs]`. Tuples keep the file small. */
type FileEntry = [string, string, string, number];

interface CacheFile {
  version: number;
  entries: FileEntry[];
  /** Images a pull budget left for the next run (`source => destination`), first to go first; absent when none. */
  pending?: string[];
}

const SEP = '\u0000';

/**
 * A blob-info cache held in memory, loaded from and saved to one JSON file. Both maps keep their
 * keys in the order last seen (re-recording moves a key to the end), so the oldest entry is always
 * the first one and the candidates of a blob are its repositories read backwards.
 */
export class FileBlobInfoCache implements BlobInfoCache, PendingItems {
  private readonly maxEntries: number;
  private readonly refreshAfterMs: number;
  private readonly warn: (message: string) => void;
  private readonly now: () => number;
  /** `registry SEP digest SEP repository` → last seen. */
  private readonly entries = new Map<string, number>();
  /** `registry SEP digest` → repository → last seen. */
  private readonly byBlob = new Map<string, Map<string, number>>();
  /** Images left for the next run, as `itemKey` names them. */
  private pending: string[] = [];
  private dirty = false;

  constructor(options: FileBlobInfoCacheOptions = {}) {
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_MAX_ENTRIES));
    this.refreshAfterMs = Math.max(0, options.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS);
    this.warn = options.warn ?? (() => {});
    this.now = options.now ?? Date.now;
  }

  /** True when the cache learnt something since it was loaded or last saved. */
  get changed(): boolean {
    return this.dirty;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The images a pull budget left last time (`source => destination`), to go first this time. */
  pendingItems(): readonly string[] {
    return this.pending;
  }

  /**
   * Replaces the list of images left for the next run (empty: none left). The first
   * `MAX_PENDING_ITEMS` are kept. A change makes the cache worth saving.
   */
  setPendingItems(keys: Iterable<string>): void {
    const next = boundedPending(keys);
    if (next.length === this.pending.length && next.every((k, i) => k === this.pending[i])) return;
    this.pending = next;
    this.dirty = true;
  }

  record(location: BlobLocation, digest: Digest): void {
    try {
      const registry = normalizeRegistry(location?.registry);
      const repository = location?.repository;
      if (!registry || !isText(repository) || !isText(digest)) return;
      const previous = this.entries.get(entryKey(registry, digest, repository));
      const seen = this.now();
      if (previous === undefined || seen - previous >= this.refreshAfterMs) this.dirty = true;
      this.put(registry, repository, digest, Math.max(seen, previous ?? seen));
      this.evict();
    } catch (err) {
      this.warn(`blob-info cache: could not record ${String(digest)}: ${messageOf(err)}`);
    }
  }

  candidates(registry: string, digest: Digest, limit: number): string[] {
    try {
      const repos = this.byBlob.get(blobKey(normalizeRegistry(registry), digest));
      const n = Math.floor(limit);
      if (!repos || !(n > 0)) return [];
      const all = [...repos.keys()];
      const out: string[] = [];
      for (let i = all.length - 1; i >= 0 && out.length < n; i--) out.push(all[i]);
      return out;
    } catch (err) {
      this.warn(`blob-info cache: could not look up ${String(digest)}: ${messageOf(err)}`);
      return [];
    }
  }

  /**
   * Adds the entries of the file at `path` to what the cache holds. A missing file is a first run:
   * nothing to load, no warning. A corrupt, unreadable or foreign file loads nothing and warns.
   * Returns how many entries were read.
   */
  async load(path: string): Promise<number> {
    let text: string;
    try {
      const info = await stat(path);
      if (info.size > MAX_FILE_BYTES) {
        this.warn(`blob-info cache ${path} is larger than ${MAX_FILE_BYTES} bytes; starting with an empty cache`);
        return 0;
      }
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return 0;
      this.warn(`blob-info cache ${path} could not be read (${messageOf(err)}); starting with an empty cache`);
      return 0;
    }
    try {
      const parsed = parseCacheFile(text);
      if (typeof parsed === 'string') {
        this.warn(`blob-info cache ${path} ${parsed}; starting with an empty cache`);
        return 0;
      }
      const { entries, skipped, pending } = parsed;
      if (skipped > 0) this.warn(`blob-info cache ${path}: ignored ${skipped} malformed entries`);
      this.merge(entries);
      // Several files (one per shard) each add what they left: the union, in the order loaded.
      if (pending.length) this.pending = boundedPending([...this.pending, ...pending]);
      return entries.length;
    } catch (err) {
      this.warn(`blob-info cache ${path} could not be loaded (${messageOf(err)}); starting with an empty cache`);
      return 0;
    }
  }

  /**
   * Writes the whole cache to `path` atomically (a temporary file beside it, then a rename), creating
   * the directory. What another process saved there since is merged in first, so that two copies
   * running side by side both keep what they learnt. Returns false, after a warning, when it could not.
   */
  async save(path: string): Promise<boolean> {
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await this.mergeQuietly(path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, this.serialize(), { encoding: 'utf8', mode: 0o600 });
      await rename(temp, path);
      this.dirty = false;
      return true;
    } catch (err) {
      await unlink(temp).catch(() => {});
      this.warn(`blob-info cache could not be saved to ${path}: ${messageOf(err)}`);
      return false;
    }
  }

  /** Merges a valid file at `path`; anything else there is about to be replaced anyway. */
  private async mergeQuietly(path: string): Promise<void> {
    try {
      if ((await stat(path)).size > MAX_FILE_BYTES) return;
      const parsed = parseCacheFile(await readFile(path, 'utf8'));
      if (typeof parsed !== 'string') this.merge(parsed.entries);
    } catch {
      // Missing or unreadable: nothing to keep.
    }
  }

  /** The file's content: compact JSON, entries oldest first. */
  serialize(): string {
    const entries: FileEntry[] = [];
    for (const [key, seen] of this.entries) {
      const [registry, digest, repository] = key.split(SEP);
      entries.push([registry, repository, digest, seen]);
    }
    const file: CacheFile = { version: BLOB_CACHE_FORMAT_VERSION, entries, ...(this.pending.length ? { pending: this.pending } : {}) };
    return JSON.stringify(file);
  }

  /** Adds `incoming`, keeping the newer sighting of an entry, and rebuilds both maps in last-seen order. */
  private merge(incoming: FileEntry[]): void {
    const all = new Map<string, FileEntry>();
    for (const [key, seen] of this.entries) {
      const [registry, digest, repository] = key.split(SEP);
      all.set(key, [registry, repository, digest, seen]);
    }
    for (const e of incoming) {
      const key = entryKey(e[0], e[2], e[1]);
      const held = all.get(key);
      if (!held || held[3] < e[3]) all.set(key, e);
    }
    // A stable sort: ties keep the order they were recorded in.
    const sorted = [...all.values()].sort((a, b) => a[3] - b[3]);
    this.entries.clear();
    this.byBlob.clear();
    for (const [registry, repository, digest, seen] of sorted) this.put(registry, repository, digest, seen);
    this.evict();
  }

  private put(registry: string, repository: string, digest: Digest, seen: number): void {
    const key = entryKey(registry, digest, repository);
    this.entries.delete(key);
    this.entries.set(key, seen);
    const bk = blobKey(registry, digest);
    let repos = this.byBlob.get(bk);
    if (!repos) this.byBlob.set(bk, (repos = new Map()));
    repos.delete(repository);
    repos.set(repository, seen);
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      const [registry, digest, repository] = oldest.split(SEP);
      const bk = blobKey(registry, digest);
      const repos = this.byBlob.get(bk);
      repos?.delete(repository);
      if (repos?.size === 0) this.byBlob.delete(bk);
    }
  }
}

/** Where the CLI keeps its blob-info cache: the user's cache directory. */
export function defaultCacheFile(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const base = env.LOCALAPPDATA || join(home, 'AppData', 'Local');
    return join(base, 'oci-copy', 'blob-info.json');
  }
  // XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.cache');
  return join(base, 'oci-copy', 'blob-info.json');
}

/** Each key once, texts of a sane length only, at most `MAX_PENDING_ITEMS`. */
function boundedPending(keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    if (out.size >= MAX_PENDING_ITEMS) break;
    if (typeof key === 'string' && key.length > 0 && key.length <= MAX_PENDING_KEY) out.add(key);
  }
  return [...out];
}

/** The valid entries of a cache file and how many were not, or why the whole file is unusable. */
function parseCacheFile(text: string): { entries: FileEntry[]; skipped: number; pending: string[] } | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'is not a blob-info cache file';
  const { version, entries } = data as Partial<CacheFile>;
  if (version !== BLOB_CACHE_FORMAT_VERSION) {
    return `has format version ${JSON.stringify(version)}, this version reads ${BLOB_CACHE_FORMAT_VERSION}`;
  }
  if (!Array.isArray(entries)) return 'has no entries list';
  const valid: FileEntry[] = [];
  let skipped = 0;
  for (const e of entries as unknown[]) {
    if (
      Array.isArray(e) &&
      e.length === 4 &&
      isText(e[0]) &&
      isText(e[1]) &&
      isText(e[2]) &&
      typeof e[3] === 'number' &&
      Number.isFinite(e[3])
    ) {
      valid.push([normalizeRegistry(e[0]), e[1], e[2], e[3]]);
    } else {
      skipped++;
    }
  }
  const listed = (data as Partial<CacheFile>).pending;
  return { entries: valid, skipped, pending: Array.isArray(listed) ? boundedPending(listed) : [] };
}

/** Host names are case-insensitive: one spelling per registry. */
function normalizeRegistry(registry: unknown): string {
  return isText(registry) ? registry.toLowerCase() : '';
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && !v.includes(SEP);
}

function entryKey(registry: string, digest: string, repository: string): string {
  return `${registry}${SEP}${digest}${SEP}${repository}`;
}

function blobKey(registry: string, digest: string): string {
  return `${registry}${SEP}${digest}`;
}
