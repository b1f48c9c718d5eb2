import type { Descriptor } from '../oci/descriptor.js';

/**
 * What happened to a node. Dry runs report what would happen: `copy`, `mount`, `exists`.
 */
export type NodeAction = 'copied' | 'exists' | 'mounted' | 'copy' | 'mount';

/** One stream of events per node; logs, the job summary and the CLI's progress all read it. */
export type CopyEvent =
  | { type: 'started'; node: Descriptor }
  | { type: 'progress'; node: Descriptor; bytes: number }
  | { type: 'done'; node: Descriptor; action: NodeAction; from?: string; bytes: number }
  | { type: 'tagged'; node: Descriptor; reference: string };

export type CopyListener = (event: CopyEvent) => void;
