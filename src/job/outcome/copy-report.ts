import type { Descriptor } from '../../oci/descriptor.js';
import type { CopyEvent, FoundReferrer, NodeAction, PlatformManifest } from '../../copy/events.js';

export interface NodeRecord {
  digest: string;
  mediaType: string;
  size: number;
  action: NodeAction;
  /** the repository a mounted blob came from */
  from?: string;
  /** bytes of a copied blob sent more than once (an upload that broke off and went on) */
  resent?: number;
}

export interface CopyTotals {
  nodes: number;
  /** bytes that travelled from source to destination */
  bytesCopied: number;
  /** bytes the destination took by mount instead of transfer */
  bytesMounted: number;
  /** bytes the destination already had */
  bytesExisting: number;
  /** bytes sent more than once: uploads that broke off and went on, or were tried again */
  bytesResent: number;
  copied: number;
  mounted: number;
  existing: number;
}

/**
 * The per-node account of one copy, built from its events only, so the action's outputs, its job
 * summary and the CLI all tell the same story. Nodes appear in the order they finished: children
 * before their parents, the root last.
 */
export class CopyReport {
  readonly nodes: NodeRecord[] = [];
  /** The root's tags, written (or, in a dry run, to be written). */
  readonly tags: string[] = [];
  /** Every tag written (or, in a dry run, to be written), with what it named before. */
  readonly tagged: Array<{ reference: string; digest: string; previous?: string }> = [];
  /** Tags of the root or of a cosign attachment that named another digest before: moved, or in a dry run to be moved. */
  readonly movedTags: Array<{ reference: string; digest: string; previous: string }> = [];
  /** The referrers found for each copied manifest (`subject`), in the order they were looked for. */
  readonly referrers: Array<{ subject: string; depth: number; referrers: FoundReferrer[] }> = [];
  /** What the copy resolved: the root, what the source named, and the root's platform manifests. */
  resolved?: { root: Descriptor; source: Descriptor; platforms: PlatformManifest[] };
  /** The destination was named by digest only: the root is stored under no tag. */
  storedByDigest = false;
  /** What the copy had to say, one line each (warnings among them). */
  readonly notices: string[] = [];
  /** The notices that are warnings: something asked for and not done, with why. */
  readonly warnings: string[] = [];
  /** What each walked manifest refers to, by digest: the graph, to group nodes under their manifest. */
  readonly children = new Map<string, Descriptor[]>();
  private readonly seen = new Set<string>();
  private readonly startedAt = Date.now();
  private finishedAt?: number;
  /** Time the copy spent waiting for its turn (behind other destinations of the same image), not working. */
  private waitedMs = 0;
  private waitingSince?: number;

  readonly listener = (event: CopyEvent): void => {
    switch (event.type) {
      case 'resolved':
        this.resolved = { root: event.node, source: event.source, platforms: event.platforms ?? [] };
        return;
      case 'tagged':
        this.tagged.push({
          reference: event.reference,
          digest: event.node.digest,
          ...(event.previous ? { previous: event.previous } : {}),
        });
        // Attachment tags (`sha256-<hex>.sig`) name other nodes than the root.
        if (!this.resolved || event.node.digest === this.resolved.root.digest) this.tags.push(event.reference);
        if (event.previous && event.previous !== event.node.digest) {
          this.movedTags.push({ reference: event.reference, digest: event.node.digest, previous: event.previous });
        }
        return;
      case 'stored':
        this.storedByDigest = true;
        return;
      case 'referrers':
        this.referrers.push({ subject: event.node.digest, depth: event.depth, referrers: event.referrers });
        return;
      case 'notice':
        if (event.check) return;
        this.notices.push(event.message);
        if (event.level === 'warning') this.warnings.push(event.message);
        return;
      case 'walked':
        this.children.set(event.node.digest, event.children);
        return;
    }
    if (event.type !== 'done' || this.seen.has(event.node.digest)) return;
    this.seen.add(event.node.digest);
    const { digest, mediaType, size } = event.node;
    this.nodes.push({
      digest,
      mediaType,
      size,
      action: event.action,
      ...(event.from ? { from: event.from } : {}),
      ...(event.resent ? { resent: event.resent } : {}),
    });
  };

  /** The copy waits for its turn: the time until `resume` is not its own. */
  pause(): void {
    this.waitingSince ??= Date.now();
  }

  resume(): void {
    if (this.waitingSince === undefined) return;
    this.waitedMs += Date.now() - this.waitingSince;
    this.waitingSince = undefined;
  }

  finish(): void {
    this.resume();
    this.finishedAt ??= Date.now();
  }

  /** The copy's own time: from its start to its end, less any wait for its turn. */
  get durationMs(): number {
    const end = this.finishedAt ?? this.waitingSince ?? Date.now();
    return end - this.startedAt - this.waitedMs;
  }

  totals(): CopyTotals {
    const t: CopyTotals = {
      nodes: this.nodes.length,
      bytesCopied: 0,
      bytesMounted: 0,
      bytesExisting: 0,
      bytesResent: 0,
      copied: 0,
      mounted: 0,
      existing: 0,
    };
    for (const n of this.nodes) {
      t.bytesResent += n.resent ?? 0;
      if (n.action === 'copied' || n.action === 'copy') {
        t.copied++;
        t.bytesCopied += n.size;
      } else if (n.action === 'mounted' || n.action === 'mount') {
        t.mounted++;
        t.bytesMounted += n.size;
      } else {
        t.existing++;
        t.bytesExisting += n.size;
      }
    }
    return t;
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * One object per node of the copied graph, as the action's `blobs` output and the CLI's `--json`
 * give them. With several destinations, one per node and destination, each naming its destination.
 */
export function blobRecords(
  destinations: Array<{ destination: string; report: CopyReport }>,
  several = destinations.length > 1,
): Array<Record<string, unknown>> {
  return destinations.flatMap((d) =>
    d.report.nodes.map((n) => ({
      digest: n.digest,
      mediaType: n.mediaType,
      size: n.size,
      action: n.action,
      ...(n.from ? { from: n.from } : {}),
      ...(several ? { destination: d.destination } : {}),
    })),
  );
}
