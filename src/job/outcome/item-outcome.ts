import type { PlatformManifest } from '../../copy/events.js';
import type { CopyReport, NodeRecord } from './copy-report.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { messageOf } from '../../oci/errors.js';
import { isIndex } from '../../oci/media-types.js';
import { formatPlatform } from '../../oci/platform.js';
import { referrerLabel } from '../../oci/referrer-kinds.js';
import type { ItemRecord } from './item-record.js';
import type { ItemOutcome, NodeGroup, PlatformOutcome, ReferrerOutcome, TagOutcome } from './outcome.js';

/** An item's outcome, made once from what its stages recorded. */
export function itemOutcome(record: ItemRecord): ItemOutcome {
  const { report } = record;
  const ok = record.status !== 'failed' && record.status !== 'skipped' && record.status !== 'deferred';
  const root = ok ? (report.resolved?.root ?? record.resolved?.root) : undefined;
  const source = report.resolved?.source ?? record.resolved?.source;
  const referrers = referrerOutcome(report);
  return {
    index: record.index,
    item: record.item,
    operation: record.operation,
    status: record.status,
    source: record.source,
    destination: record.destination,
    ...(record.sourceDescription ? { sourceDescription: record.sourceDescription } : {}),
    ...(record.destinationDescription ? { destinationDescription: record.destinationDescription } : {}),
    options: record.options,
    ...(root ? { root } : {}),
    ...(root && source && source.digest !== root.digest ? { chosenFrom: source } : {}),
    platforms: platformOutcomes(report, record.resolved?.platforms ?? (record.imagePlatform ? [record.imagePlatform] : [])),
    tags: tagOutcomes(record, root),
    attachmentMoves: report.tagged
      .filter((t) => t.digest !== (root ?? record.resolved?.root)?.digest && t.previous && t.previous !== t.digest)
      .map((t) => ({ tag: t.reference, digest: t.digest, previous: t.previous, change: 'moved' as const })),
    storedByDigest: report.storedByDigest || (ok && record.references?.length === 1 && isDigest(record.references[0])),
    ...(referrers ? { referrers } : {}),
    notices: report.notices.filter((n) => !report.warnings.includes(n)),
    warnings: [...report.warnings],
    checks: record.checks.records,
    presented: record.checks.presented,
    ...(record.refusedBy ? { refusedBy: record.refusedBy } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    blobs: [...report.nodes],
    nodeGroups: root ? nodeGroups(report, root) : [],
    totals: report.totals(),
    durationMs: report.durationMs,
    ...(record.error !== undefined ? { error: messageOf(record.error), cause: record.error } : {}),
  };
}

/**
 * Each of the destination's tags with what it named before: as the copy found it right before
 * tagging, else as the comparison read it. A failed item has only the tags it got written.
 */
function tagOutcomes(record: ItemRecord, root: Descriptor | undefined): TagOutcome[] {
  const written = new Map(record.report.tagged.filter((t) => t.digest === root?.digest || !root).map((t) => [t.reference, t]));
  if (!root) return [...written.values()].map((t) => tagOutcome(t.reference, t.digest, t.previous));
  const tags = (record.references ?? []).filter((r) => !isDigest(r));
  return tags.map((tag) => tagOutcome(tag, root.digest, written.has(tag) ? written.get(tag)!.previous : record.current?.get(tag)));
}

function tagOutcome(tag: string, digest: string, previous: string | undefined): TagOutcome {
  const change = previous === digest ? 'kept' : previous ? 'moved' : 'new';
  return { tag, digest, ...(previous ? { previous } : {}), change };
}

/** The root's platforms, each with its image's bytes when its manifest was walked. */
function platformOutcomes(report: CopyReport, known: PlatformManifest[]): PlatformOutcome[] {
  const platforms = report.resolved?.platforms.length ? report.resolved.platforms : known;
  return platforms.map((p) => {
    const children = report.children.get(p.digest);
    const imageBytes = children ? p.size + children.reduce((sum, c) => sum + c.size, 0) : undefined;
    return {
      platform: formatPlatform(p.platform),
      digest: p.digest,
      mediaType: p.mediaType,
      size: p.size,
      ...(imageBytes !== undefined ? { imageBytes } : {}),
    };
  });
}

/** The referrers found, each once, by kind, and how many moved; none when none were looked for. */
function referrerOutcome(report: CopyReport): ReferrerOutcome | undefined {
  if (!report.referrers.length) return undefined;
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  for (const group of report.referrers) {
    for (const r of group.referrers) {
      if (seen.has(r.digest)) continue;
      seen.add(r.digest);
      const label = referrerLabel(r);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
  }
  // Whether each one moved is what its manifest's node says.
  const actions = new Map(report.nodes.map((n) => [n.digest, n.action]));
  const there = [...seen].filter((d) => actions.get(d) === 'exists').length;
  return { found: seen.size, kinds: [...counts].map(([label, count]) => ({ label, count })), copied: seen.size - there, there };
}

/**
 * Every node under its heading: each platform's manifest with its config and layers, then the
 * index, then referrers and what they hold; within a group, in the order the graph lists them.
 */
function nodeGroups(report: CopyReport, root: Descriptor): NodeGroup[] {
  const byDigest = new Map(report.nodes.map((n) => [n.digest, n]));
  const placed = new Set<string>();
  const groups: NodeGroup[] = [];
  const group = (label: string, digests: string[]) => {
    const nodes = digests.map((d) => byDigest.get(d)).filter((n): n is NodeRecord => n !== undefined && !placed.has(n.digest));
    for (const n of nodes) placed.add(n.digest);
    if (nodes.length) groups.push({ label, nodes });
  };
  const image = (manifest: string) => [manifest, ...(report.children.get(manifest) ?? []).map((c) => c.digest)];
  const children = report.children.get(root.digest) ?? [];
  if (isIndex(root.mediaType)) {
    for (const m of children) group(m.platform ? formatPlatform(m.platform) : 'manifest', image(m.digest));
    group('index', [root.digest]);
  } else {
    group('image', image(root.digest));
  }
  group(
    'referrers',
    report.nodes.filter((n) => !placed.has(n.digest)).map((n) => n.digest),
  );
  return groups;
}
