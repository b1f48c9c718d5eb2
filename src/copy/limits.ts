/**
 * Bounds on a copy that no registry or file can move: what a source says only decides whether the
 * copy stays within them, never how long it runs or how much it holds. Each is far beyond what real
 * images need (README.md, "Limits"); a graph past one is refused with a sentence naming the limit.
 */

/**
 * Levels below the root. Real images nest 3 deep (index → manifest → layer), an index of indexes
 * one more; 32 is that with a wide margin. A registry can chain indexes as deep as it likes.
 */
export const MAX_GRAPH_DEPTH = 32;

/**
 * Nodes (manifests, configs, layers, referrers) in one copy's graph. The largest real images, with
 * every platform and attestation, have a few thousand.
 */
export const MAX_GRAPH_NODES = 50_000;

/**
 * Generations of referrers followed: a signature (1) of an SBOM (2) of an attestation (3) is as
 * deep as real supply chains go. A registry can invent a new referrer for every subject forever.
 */
export const MAX_REFERRER_GENERATIONS = 8;

/**
 * Manifest bytes one copy holds at once. A manifest is read whole (at most 4 MiB each); real graphs
 * hold well under a megabyte of them, and a graph of thousands of 4 MiB manifests must not take
 * the runner's memory.
 */
export const MAX_HELD_MANIFEST_BYTES = 256 * 1024 * 1024;

/**
 * An image config up to this size is kept while the copy streams it, so its platform is read
 * without a second fetch. Configs are a few kilobytes; one with a long history may reach tens.
 */
export const MAX_KEPT_CONFIG_BYTES = 256 * 1024;
