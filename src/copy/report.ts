import type { CopyEvent, NodeAction } from './events.js';

export interface NodeRecord {
  digest: string;
  mediaType: string;
  size: number;
  action: NodeAction;
  /** the repository a mounted blob came from */
  from?: string;
}

export interface CopyTotals {
  nodes: number;
  /** bytes that travelled from source to destination */
  bytesCopied: number;
  /** bytes the destination took by mount instead of transfer */
  bytesMounted: number;
  /** bytes the destination already had */
  bytesExisting: number;
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
  readonly tags: string[] = [];
  private readonly seen = new Set<string>();
  private readonly startedAt = Date.now();
  private finishedAt?: number;

  readonly listener = (event: CopyEvent): void => {
    if (event.type === 'tagged') this.tags.push(event.reference);
    if (event.type !== 'done' || this.seen.has(event.node.digest)) return;
    this.seen.add(event.node.digest);
    const { digest, mediaType, size } = event.node;
    this.nodes.push({ digest, mediaType, size, action: event.action, ...(event.from ? { from: event.from } : {}) });
  };

  finish(): void {
    this.finishedAt ??= Date.now();
  }

  get durationMs(): number {
    return (this.finishedAt ?? Date.now()) - this.startedAt;
  }

  totals(): CopyTotals {
    const t: CopyTotals = { nodes: this.nodes.length, bytesCopied: 0, bytesMounted: 0, bytesExisting: 0, copied: 0, mounted: 0, existing: 0 };
    for (const n of this.nodes) {
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
