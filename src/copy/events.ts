import type { Descriptor, Platform } from '../oci/descriptor.js';
import type { ReferrerKind } from '../oci/referrer-kinds.js';

/**
 * What happened to a node. Dry runs report what would happen: `copy`, `mount`, `exists`.
 */
export type NodeAction = 'copied' | 'exists' | 'mounted' | 'copy' | 'mount';

/** One manifest of an index, with the platform it is for. */
export interface PlatformManifest {
  platform: Platform;
  mediaType: string;
  digest: string;
  size: number;
}

/** A referrer found for a copied manifest, and how it was found. */
export interface FoundReferrer {
  kind: ReferrerKind;
  /** The tool whose format it is, when its artifact type or tag says (`cosign`, `notation`). */
  tool?: string;
  artifactType?: string;
  mediaType: string;
  digest: string;
  size: number;
  /** The cosign tag (`sha256-<hex>.sig`) it was found under and is tagged with at the destination. */
  tag?: string;
}

/**
 * One stream of events per node; logs, the job summary and the CLI's progress all read it. Every
 * event names a node. Events of a dry run say what would happen (`dryRun: true` on tags).
 */
export type CopyEvent =
  | { type: 'started'; node: Descriptor }
  | { type: 'progress'; node: Descriptor; bytes: number }
  /** `resent`: bytes of a blob sent more than once (an upload that broke off and went on, or was tried again). */
  | { type: 'done'; node: Descriptor; action: NodeAction; from?: string; bytes: number; resent?: number }
  /**
   * A blob's upload broke off (`reason`) and goes on from byte `offset`, which the registry holds;
   * `resent` bytes already sent were lost and go again.
   */
  | { type: 'resumed'; node: Descriptor; offset: number; resent: number; reason: string }
  /**
   * A tag points (or, in a dry run, would point) at `node`. `previous` is the digest the tag
   * named before, when it was there: equal to the node's when nothing had to change, another
   * digest when the tag moved.
   */
  | { type: 'tagged'; node: Descriptor; reference: string; previous?: string; dryRun?: boolean }
  /** A destination named by digest only: the root is stored there under no tag. */
  | { type: 'stored'; node: Descriptor; dryRun?: boolean }
  /**
   * The root this destination receives, once resolved: `node` is what is copied, `source` what
   * the source reference named (an index, when a platform or a list of platforms was chosen from
   * it). `platforms` lists the root's platform manifests when it is an index, or the one platform
   * it was chosen for or checked against.
   */
  | { type: 'resolved'; node: Descriptor; source: Descriptor; platforms?: PlatformManifest[] }
  /**
   * What refers to `node` (a copied manifest) and was copied with it, or none. `depth` is 0 for
   * the manifests of the image, 1 for its referrers (a signature of an SBOM), and so on.
   */
  | { type: 'referrers'; node: Descriptor; referrers: FoundReferrer[]; depth: number }
  /**
   * An image config this copy moved, with its bytes, verified (a few kilobytes): whoever reads the
   * config (for its platform) needs no second fetch.
   */
  | { type: 'config'; node: Descriptor; content: Buffer }
  /** A manifest or index was read: what it refers to (its config and layers, or its manifests). */
  | { type: 'walked'; node: Descriptor; children: Descriptor[] }
  /**
   * Something worth saying about the copy: `message` is a whole line, its outside text made
   * printable. `level: 'warning'` when it is something asked for and not done (referrers left behind).
   * `check`: the check whose record says the same (a signature verified), so the line is told as it
   * happens and the item's notices leave it to that record.
   */
  | { type: 'notice'; node: Descriptor; message: string; level?: 'warning'; check?: string };

export type CopyListener = (event: CopyEvent) => void;
