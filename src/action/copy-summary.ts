import type { CopyReport, NodeRecord } from '../copy/report.js';
import { formatBytes, formatDuration } from '../copy/report.js';
import type { Descriptor } from '../oci/descriptor.js';
import { isIndex } from '../oci/media-types.js';
import { formatPlatform } from '../oci/platform.js';
import { referrerLabel } from '../oci/referrer-kinds.js';
import { code, escapeHtml, FOLD_ROWS } from './markdown.js';
import type { CopyOutcome, DestinationOutcome } from './report.js';

/**
 * The one-image step's job summary, for the release engineer who opens it to see what was
 * promoted: first the root and its tags (and what each tag named before, when it moved), the
 * platforms of an index and the referrers found, then the bytes (copied, mounted, already there,
 * shares that add up), then every node grouped under its platform's manifest. Several
 * destinations get one line on top and a section each; a failed one shows its error.
 */
export function copySummaryMarkdown(outcome: CopyOutcome): string {
  const lines: string[] = [];
  if (outcome.destinations.length > 1) lines.push(destinationsHeadline(outcome), '');
  for (const d of outcome.destinations) lines.push(...destinationSection(outcome, d));
  if (outcome.cacheNote) lines.push(`<sub>${escapeHtml(outcome.cacheNote)}</sub>`, '');
  return lines.join('\n');
}

function destinationSection(outcome: CopyOutcome, d: DestinationOutcome): string[] {
  const pair = `${code(outcome.source)} → ${code(d.destination)}`;
  if (d.status === 'failed' || d.status === 'skipped') {
    return [`### ${d.status === 'failed' ? '❌ Failed' : 'Not attempted'}: ${d.operation} ${pair}`, '', `<pre>${escapeHtml(d.error ?? 'unknown error')}</pre>`, ''];
  }
  const report = d.report;
  const root = report.resolved?.root ?? outcome.root;
  const unchanged = d.status === 'unchanged' && !report.nodes.some((n) => n.action !== 'exists');
  const title = unchanged ? 'Unchanged' : outcome.dryRun ? `Dry run of ${d.operation}` : capitalise(d.operation);
  const lines = [`### ${title}: ${pair}`, ''];
  lines.push(rootLine(root, report, outcome.dryRun, unchanged), '');
  for (const m of report.movedTags) {
    lines.push(`- tag ${code(m.reference)} ${outcome.dryRun ? 'would move' : 'moved'} from ${code(m.previous)} to ${code(m.digest)}`);
  }
  for (const notice of report.notices) lines.push(`- ⚠️ ${escapeHtml(notice)}`);
  if (report.movedTags.length || report.notices.length) lines.push('');
  const platforms = platformLines(report, root);
  if (platforms.length) lines.push(...platforms, '');
  const referrers = referrerLine(report, outcome.dryRun);
  if (referrers) lines.push(referrers, '');
  if (unchanged) {
    // Found by HEADs alone, or (with referrers) by a walk that found everything there.
    const walked = report.nodes.length > 1;
    lines.push(
      walked
        ? 'Everything was already there, the referrers too: nothing was written.'
        : 'Every destination tag already named this digest: nothing was copied, nothing was written.',
      '',
    );
    return lines;
  }
  lines.push(...totalsTable(report, outcome.dryRun), '');
  const table = nodeTable(report, root);
  if (report.nodes.length > FOLD_ROWS) lines.push(`<details><summary>Every node (${report.nodes.length})</summary>`, '', table, '', '</details>', '');
  else lines.push(table, '');
  return lines;
}

/** `**sha256:…** · OCI image index · 1.2 KiB · tagged 1.2, latest`. */
function rootLine(root: Descriptor, report: CopyReport, dryRun: boolean, unchanged: boolean): string {
  const parts = [`**${code(root.digest)}**`, escapeHtml(kindOf(root.mediaType)), formatBytes(root.size)];
  if (report.tags.length) parts.push(`${dryRun ? 'would be tagged' : 'tagged'} ${report.tags.map(code).join(', ')}`);
  else if (report.storedByDigest) parts.push(dryRun ? 'would be stored by digest, under no tag' : 'stored by digest, under no tag');
  else if (unchanged) parts.push('already there');
  const source = report.resolved?.source;
  if (source && source.digest !== root.digest) parts.push(`chosen from the source's ${escapeHtml(kindOf(source.mediaType))} ${code(source.digest)}`);
  return parts.join(' · ');
}

/** One line per platform of an index (or the one platform chosen): the manifest and the image's bytes. */
function platformLines(report: CopyReport, root: Descriptor): string[] {
  const platforms = report.resolved?.platforms ?? [];
  if (!platforms.length) return [];
  const rows = platforms.map((p) => {
    const bytes = imageBytes(report, p.digest, p.size);
    return `| ${code(formatPlatform(p.platform))} | ${code(p.digest)} | ${formatBytes(bytes)} |`;
  });
  const heading = isIndex(root.mediaType) ? `${platforms.length} ${platforms.length === 1 ? 'platform' : 'platforms'}` : 'platform';
  return [`| ${heading} | manifest | image size |`, '|---|---|---:|', ...rows];
}

/** A platform's image: its manifest, config and layers. */
function imageBytes(report: CopyReport, manifest: string, manifestSize: number): number {
  const children = report.children.get(manifest);
  if (!children) return manifestSize;
  return manifestSize + children.reduce((sum, c) => sum + c.size, 0);
}

/** `Referrers: 2 signatures (cosign), 1 SBOM (application/spdx+json)`, or that none were found. */
function referrerLine(report: CopyReport, dryRun: boolean): string | undefined {
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
  if (!seen.size) return '**Referrers:** none found (no signatures, SBOMs or attestations refer to the copied manifests)';
  const kinds = [...counts].map(([label, n]) => `${n} × ${escapeHtml(label)}`).join(', ');
  // Whether each one moved is what its manifest's node says.
  const actions = new Map(report.nodes.map((n) => [n.digest, n.action]));
  const there = [...seen].filter((d) => actions.get(d) === 'exists').length;
  const moved = seen.size - there;
  const fate = dryRun ? `${moved} to copy, ${there} already there` : `${moved} copied, ${there} already there`;
  return `**Referrers:** ${seen.size} found (${kinds}): ${fate}`;
}

/** Nodes and bytes copied, mounted and already there, with shares of the bytes that add up to 100. */
function totalsTable(report: CopyReport, dryRun: boolean): string[] {
  const t = report.totals();
  const shares = percentages([t.bytesCopied, t.bytesMounted, t.bytesExisting]);
  const lines = [
    '| | nodes | bytes | share of bytes |',
    '|---|---:|---:|---:|',
    `| ${dryRun ? 'to copy' : 'copied'} | ${t.copied} | ${formatBytes(t.bytesCopied)} | ${shares[0]} |`,
    `| ${dryRun ? 'to mount' : 'mounted'} from other repositories | ${t.mounted} | ${formatBytes(t.bytesMounted)} | ${shares[1]} |`,
    `| already there | ${t.existing} | ${formatBytes(t.bytesExisting)} | ${shares[2]} |`,
    '',
  ];
  const took = formatDuration(report.durationMs);
  // A rate means something only when the copy was mostly bytes travelling: not when nothing moved,
  // nor when mounts did the work and a few manifests were all that travelled.
  if (dryRun) lines.push(`Checked in ${took}.`);
  else if (t.bytesCopied === 0) lines.push(`Took ${took}: no bytes had to travel.`);
  else if (t.bytesCopied < t.bytesMounted || t.bytesCopied < RATE_MIN_BYTES) lines.push(`Took ${took}: ${formatBytes(t.bytesCopied)} travelled.`);
  else lines.push(`Took ${took}: ${formatBytes(t.bytesCopied)} copied at ${formatBytes(t.bytesCopied / (Math.max(report.durationMs, 1) / 1000))}/s.`);
  return lines;
}

/** Below this, a rate mostly measures round trips, not a transfer. */
const RATE_MIN_BYTES = 1024 * 1024;

/**
 * Whole percentages of `parts` that add up to 100 (largest remainders), where a part that is not
 * zero never shows as 0 % and a part that is not everything never shows as 100 %.
 */
export function percentages(parts: number[]): string[] {
  const total = parts.reduce((a, b) => a + b, 0);
  if (total === 0) return parts.map(() => '–');
  const exact = parts.map((p) => (p / total) * 100);
  const whole = exact.map(Math.floor);
  let left = 100 - whole.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    whole[i]++;
    left--;
  }
  return whole.map((w, i) => {
    if (parts[i] > 0 && w === 0) return '<1%';
    if (parts[i] < total && w === 100) return '>99%';
    return `${w}%`;
  });
}

/**
 * Every node, grouped: each platform's manifest with its config and layers, then the index, then
 * referrers and what they hold; within a group, in the order the graph lists them.
 */
function nodeTable(report: CopyReport, root: Descriptor): string {
  const byDigest = new Map(report.nodes.map((n) => [n.digest, n]));
  const placed = new Set<string>();
  const rows: string[] = ['| | action | media type | digest | size |', '|---|---|---|---|---:|'];
  const group = (label: string, digests: string[]) => {
    const nodes = digests.map((d) => byDigest.get(d)).filter((n): n is NodeRecord => n !== undefined && !placed.has(n.digest));
    if (!nodes.length) return;
    nodes.forEach((n, i) => {
      placed.add(n.digest);
      rows.push(`| ${i === 0 ? `**${escapeHtml(label)}**` : ''} | ${action(n)} | ${escapeHtml(n.mediaType)} | ${code(`${n.digest.slice(0, 19)}…`)} | ${formatBytes(n.size)} |`);
    });
  };
  const image = (manifest: string) => [manifest, ...(report.children.get(manifest) ?? []).map((c) => c.digest)];
  const children = report.children.get(root.digest) ?? [];
  if (isIndex(root.mediaType)) {
    for (const m of children) group(m.platform ? formatPlatform(m.platform) : 'manifest', image(m.digest));
    group('index', [root.digest]);
  } else {
    group('image', image(root.digest));
  }
  const rest = report.nodes.filter((n) => !placed.has(n.digest)).map((n) => n.digest);
  group('referrers', rest);
  return rows.join('\n');
}

function action(n: NodeRecord): string {
  return `${n.action}${n.from ? ` from ${code(n.from)}` : ''}`;
}

/** `3 destinations, all sha256:…` (with how many failed, when some did). */
function destinationsHeadline(outcome: CopyOutcome): string {
  const n = outcome.destinations.length;
  const failed = outcome.destinations.filter((d) => d.status === 'failed').length;
  const skipped = outcome.destinations.filter((d) => d.status === 'skipped').length;
  const ok = n - failed - skipped;
  const digest = outcome.root.digest === 'unknown' ? '' : ` ${code(outcome.root.digest)}`;
  if (!failed && !skipped) return `**${n} destinations${outcome.dryRun ? ' would get' : ', all'}**${digest}`;
  const parts = [`**${ok} of ${n} destinations ${outcome.dryRun ? 'would get' : 'got'}**${digest}`];
  if (failed) parts.push(`${failed} failed`);
  if (skipped) parts.push(`${skipped} not attempted`);
  return parts.join(', ');
}

const KINDS: Record<string, string> = {
  'application/vnd.oci.image.index.v1+json': 'OCI image index',
  'application/vnd.oci.image.manifest.v1+json': 'OCI image manifest',
  'application/vnd.docker.distribution.manifest.list.v2+json': 'Docker manifest list',
  'application/vnd.docker.distribution.manifest.v2+json': 'Docker image manifest',
};

function kindOf(mediaType: string): string {
  return KINDS[mediaType] ?? mediaType;
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
