/** A registry's published limit on the size of one layer (one blob). */
export interface LayerLimit {
  bytes: number;
  /** How the registry states it, for the line that names it: `10 GB`. */
  stated: string;
}

const GB = 1000 ** 3;
const MiB = 1024 * 1024;

/**
 * Per-layer limits registries publish, by host. Only what they state is here:
 * - GHCR (`ghcr.io`): 10 GB per layer (GitHub's documentation of the Container registry; pushes
 *   of larger layers fail after the upload).
 * - Amazon ECR (`<account>.dkr.ecr.<region>.amazonaws.com`, `.amazonaws.com.cn`): 52,000 MiB,
 *   "Maximum layer size" in the ECR service quotas, not adjustable.
 * - Amazon ECR Public (`public.ecr.aws`): 10,000 MiB, "Maximum layer size" in its service quotas.
 * Docker Hub publishes no per-layer limit, so none is assumed.
 */
const KNOWN: Array<{ host: RegExp; limit: LayerLimit }> = [
  { host: /^ghcr\.io$/i, limit: { bytes: 10 * GB, stated: '10 GB' } },
  { host: /^[0-9]{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/i, limit: { bytes: 52_000 * MiB, stated: '52,000 MiB' } },
  { host: /^public\.ecr\.aws$/i, limit: { bytes: 10_000 * MiB, stated: '10,000 MiB' } },
];

/** The layer limit `registry` (host[:port]) is known to have; undefined for every other registry. */
export function knownLayerLimit(registry: string): LayerLimit | undefined {
  const host = registry.replace(/:[0-9]+$/, '');
  return KNOWN.find((k) => k.host.test(host))?.limit;
}
