import type { IntegrityProblem } from '../../../integrity/problems.js';

/** The name the destination check records under (`outcome.checks.check`), and its JSON key. */
export const INTEGRITY_CHECK = 'check';

/**
 * What the check of one image's destination found: `intact` (every tag names the expected digest
 * and the graph is whole), `drifted` (a tag is missing or names another digest), `damaged`
 * (something of the graph or its referrers is missing or wrong), or `repaired` (a repair put back
 * what was missing or damaged: `putBack`). A dry run of a repair is `damaged`, with what it would put back.
 */
export interface ImageIntegrity {
  source: string;
  destination: string;
  /** The digest the destination should hold (the source's, or the lock's). */
  digest: string;
  status: 'intact' | 'drifted' | 'damaged' | 'repaired';
  /** Blobs were downloaded and hashed, not only asked for. */
  deep: boolean;
  problems: IntegrityProblem[];
  /** What a repair put back (or, in a dry run, would), by digest, each with what was wrong. */
  putBack?: Array<{ digest: string; kind: IntegrityProblem['kind'] }>;
  /** Damaged blobs the registry would not delete: it still holds those bytes. */
  stillDamaged?: string[];
  /** How much was checked. */
  checked: { manifests: number; blobs: number; referrers: number };
  dryRun?: boolean;
}

declare module '../check.js' {
  interface KnownCheckRecords {
    [INTEGRITY_CHECK]: ImageIntegrity;
  }
}
