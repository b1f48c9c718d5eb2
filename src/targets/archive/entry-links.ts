import { ContentError } from '../../oci/errors.js';
import { quoted } from '../../oci/text.js';
import type { EntryKind, FileKind } from './entry-names.js';
import type { StoredEntry } from './stored-entry.js';

/**
 * Links followed from one entry to the file it reads as. moby and skopeo write one step (a layer
 * shared by two images); a few more allow a link to a link, and a loop ends here too.
 */
export const MAX_LINK_HOPS = 4;

type LinkKind = Extract<EntryKind, { kind: 'link' }>;

interface LinkRecord extends LinkKind {
  /** The link's own name, as the archive writes it (for messages). */
  shown: string;
}

/** Where an archive's regular entries are, by name: what a link may lead to. */
export interface RegularEntries {
  /** The regular entry stored under `name` (a blob by its `blobs/<alg>/<hex>` name), if kept. */
  lookup(name: string): StoredEntry | undefined;
  /** Whether some kept entry's name lies under `name/`. */
  hasUnder(name: string): boolean;
}

/**
 * The links of one archive, gathered while it is read and resolved once it has been read whole:
 * a symbolic link may name an entry that comes later (skopeo's `<id>/layer.tar` before the
 * `<digest>.tar` it points at, or moby's, whose order is the file system's). A hard link must name
 * an entry that came before it, as tar defines it. Only the links and directory names are held,
 * never a body, and only links whose own name the importer reads are resolved; any other link
 * that names an unsafe target was already refused by name.
 */
export class ArchiveLinks {
  private readonly links = new Map<string, LinkRecord>();
  private readonly directories = new Set<string>();
  /** Names seen so far, for the hard-link rule. */
  private readonly seen = new Set<string>();

  constructor(private readonly where: string) {}

  /** Notes a regular entry kept under `name` (a later entry of the same name replaces a link). */
  regular(name: string): void {
    this.links.delete(name);
    this.seen.add(name);
  }

  directory(name: string): void {
    this.directories.add(name);
    this.seen.add(name);
  }

  /** Notes a link entry; a hard link to an entry not yet seen is refused at once. */
  link(name: string, rawName: string, kind: LinkKind): void {
    // A link the importer never reads (`repositories`, `<id>/json`) is not resolved, so what it
    // names does not matter: skipped entries are not even noted as seen.
    if (kind.as.kind === 'skip') return;
    if (kind.link === 'hard' && !this.seen.has(kind.target)) {
      throw this.refuse({ ...kind, shown: quoted(rawName) }, 'that names no entry read before it (a hard link must follow its target)');
    }
    this.links.set(name, { ...kind, shown: quoted(rawName) });
    this.seen.add(name);
  }

  /**
   * Resolves every link the importer reads and hands each to `found` with the regular entry it
   * reads as. Throws, naming the link, for one that leads to nothing, a directory, or along a
   * chain longer than MAX_LINK_HOPS.
   */
  resolve(entries: RegularEntries, found: (as: Exclude<FileKind, { kind: 'skip' }>, entry: StoredEntry, shown: string) => void): void {
    const resolved: Array<[Exclude<FileKind, { kind: 'skip' }>, StoredEntry, string]> = [];
    for (const link of this.links.values()) {
      if (link.as.kind === 'skip') continue;
      resolved.push([link.as, this.follow(link, entries), link.shown]);
    }
    // Handed over only now, so that no link resolves through another link's new alias.
    for (const [as, entry, shown] of resolved) found(as, entry, shown);
  }

  private follow(start: LinkRecord, entries: RegularEntries): StoredEntry {
    let target = start.target;
    for (let hops = 1; ; hops++) {
      const entry = entries.lookup(target);
      if (entry) return entry;
      const next = this.links.get(target);
      if (!next) break;
      if (hops >= MAX_LINK_HOPS) {
        throw this.refuse(start, `that starts a chain of more than ${MAX_LINK_HOPS} links (or a loop)`);
      }
      target = next.target;
    }
    if (this.directories.has(target) || target === '' || target === '.' || entries.hasUnder(target)) {
      throw this.refuse(start, 'that leads to a directory, not a file');
    }
    throw this.refuse(start, 'that leads to no file of the archive');
  }

  private refuse(link: LinkRecord, why: string): ContentError {
    return new ContentError(`${this.where} has a link entry ${link.shown} -> ${quoted(link.linkname)} ${why}: refusing the archive`);
  }
}
