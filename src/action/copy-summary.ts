import { formatBytes, formatDuration, type CopyTotals, type NodeRecord } from '../job/outcome/copy-report.js';
import type { ItemOutcome, JobOutcome, TagOutcome } from '../job/outcome/outcome.js';
import { isIndex } from '../oci/media-types.js';
import { checksWrote, markedCheckLines } from '../job/render/checks.js';
import { notDoneCounts, STATUS_WORDS, statusTitle } from '../job/render/status-words.js';
import { code, escapeHtml, FOLD_ROWS, lockLine, rateLimitLine } from './markdown.js';

/**
 * The one-image step's job summary, for the release engineer who opens it to see what was
 * promoted: first the root and its tags (and what each tag named before, when it moved), the
 * platforms and the referrers found, then the bytes (copied, mounted, already there, shares that
 * add up), then every node grouped under its platform's manifest. Several destinations get one
 * line on top and a section each; a failed or refused one shows its error.
 */
export function copySummaryMarkdown(outcome: JobOutcome): string {
  const lines: string[] = [];
  if (outcome.results.length > 1) lines.push(destinationsHeadline(outcome), '');
  for (const r of outcome.results) lines.push(...(outcome.integrity === 'check' ? checkSection(r) : destinationSection(r, outcome.dryRun)));
  if (outcome.cacheNote) lines.push(`<sub>${escapeHtml(outcome.cacheNote)}</sub>`, '');
  const limits = rateLimitLine(outcome.rateLimits);
  if (limits) lines.push(limits, '');
  if (outcome.pullBudget) lines.push(`> ${STATUS_WORDS.deferred.mark} Pull budget: ${escapeHtml(outcome.pullBudget)}`, '');
  if (outcome.lock) lines.push(lockLine(outcome.lock), '');
  return lines.join('\n');
}

/** What a check found of one destination: intact, drifted or damaged, with each problem; or why it could not be checked. */
function checkSection(r: ItemOutcome): string[] {
  const pair = `${code(r.source)} → ${code(r.destination)}`;
  const found = r.checks.check;
  if (!found) return destinationSection(r, true);
  const title = { intact: 'Intact', drifted: 'Drifted', damaged: 'Damaged', repaired: 'Repaired' }[found.status];
  const mark = found.status === 'intact' ? '🩺' : STATUS_WORDS.failed.mark;
  const lines = [`### ${mark} ${title}: ${pair}`, '', `Digest ${code(found.digest)}${found.deep ? ', every blob hashed' : ''}`, ''];
  for (const l of markedCheckLines(r)) lines.push(`- ${l.mark} ${escapeHtml(l.line)}`);
  lines.push('');
  return lines;
}

function destinationSection(r: ItemOutcome, dryRun: boolean): string[] {
  // Acted on in place: one place, named once.
  const pair = r.item.inPlace ? `${code(r.destination)} (in place)` : `${code(r.source)} → ${code(r.destination)}`;
  if (!r.root) {
    // Without a root nothing was copied: what is not skipped or deferred failed.
    const status = r.status === 'skipped' || r.status === 'deferred' ? r.status : 'failed';
    const { mark } = STATUS_WORDS[status];
    const title = `${mark ? `${mark} ` : ''}${escapeHtml(statusTitle(status, r.refusedBy))}`;
    // A refusal or a reason is a sentence to read whole (it wraps); an error is shown as it was raised.
    const why =
      r.refusedBy || r.status === 'skipped' || r.status === 'deferred'
        ? `> ${escapeHtml(r.error ?? '')}`
        : `<pre>${escapeHtml(r.error ?? 'unknown error')}</pre>`;
    return [`### ${title}: ${r.operation} ${pair}`, '', why, ''];
  }
  const unchanged = r.status === 'unchanged' && !r.blobs.some((n) => n.action !== 'exists');
  const title = r.item.inPlace
    ? dryRun
      ? `Dry run of ${r.operation}`
      : capitalise(r.operation)
    : unchanged
      ? STATUS_WORDS.unchanged.title
      : dryRun
        ? `Dry run of ${r.operation}`
        : capitalise(r.operation);
  const lines = [`### ${title}: ${pair}`, ''];
  lines.push(rootLine(r, dryRun, unchanged), '');
  // What the checks found and did (who signed what was copied, what this job signed): the reason the section is read on a promotion.
  const said = markedCheckLines(r);
  if (said.length) lines.push(...said.map((l) => `- ${l.mark} ${escapeHtml(l.line)}`), '');
  const moved = [...r.tags.filter((t) => t.change === 'moved'), ...r.attachmentMoves];
  for (const m of moved)
    lines.push(`- tag ${code(m.tag)} ${dryRun ? 'would move' : 'moved'} from ${code(m.previous ?? '')} to ${code(m.digest)}`);
  for (const warning of r.warnings) lines.push(`- ⚠️ ${escapeHtml(warning)}`);
  for (const notice of r.notices) lines.push(`- ${escapeHtml(notice)}`);
  if (moved.length || r.warnings.length || r.notices.length) lines.push('');
  const platforms = platformLines(r);
  if (platforms.length) lines.push(...platforms, '');
  const referrers = referrerLine(r, dryRun);
  if (referrers) lines.push(referrers, '');
  if (unchanged) {
    // Found by HEADs alone, or (with referrers) by a walk that found everything there.
    const walked = r.blobs.length > 1;
    // A stage still runs for an image already there (signing): what it wrote is the one write.
    const wrote = checksWrote(r);
    // `the signature above` was written; `the signatures above` (an index and its platform manifests), or two stages' writes, were.
    const plural = wrote !== undefined && /^the \w+s above$| and /.test(wrote);
    const written = wrote ? `only ${wrote} ${plural ? 'were' : 'was'} written` : 'nothing was written';
    lines.push(
      r.item.inPlace
        ? `Acted on where it is: nothing was copied, ${written}.`
        : walked
          ? `Everything was already there, the referrers too: ${written}.`
          : `Every destination tag already named this digest: nothing was copied, ${written}.`,
      '',
    );
    return lines;
  }
  lines.push(...totalsTable(r.totals, r.durationMs, dryRun), '');
  const table = nodeTable(r);
  const count = r.blobs.length;
  if (count > FOLD_ROWS) lines.push(`<details><summary>Every node (${count})</summary>`, '', table, '', '</details>', '');
  else lines.push(table, '');
  return lines;
}

/** `**sha256:…** · OCI image index · 1.2 KiB · tagged 1.2; already tagged latest`. */
function rootLine(r: ItemOutcome, dryRun: boolean, unchanged: boolean): string {
  const root = r.root!;
  const parts = [`**${code(root.digest)}**`, escapeHtml(kindOf(root.mediaType)), formatBytes(root.size)];
  const tags = tagWords(r.tags, dryRun);
  if (tags) parts.push(tags);
  else if (r.storedByDigest) parts.push(dryRun ? 'would be stored by digest, under no tag' : 'stored by digest, under no tag');
  else if (unchanged) parts.push('already there');
  if (r.chosenFrom) parts.push(`chosen from the source's ${escapeHtml(kindOf(r.chosenFrom.mediaType))} ${code(r.chosenFrom.digest)}`);
  return parts.join(' · ');
}

/** The tags that were (or would be) written, then those that already named the root. */
export function tagWords(tags: TagOutcome[], dryRun: boolean): string {
  const written = tags.filter((t) => t.change !== 'kept').map((t) => code(t.tag));
  const kept = tags.filter((t) => t.change === 'kept').map((t) => code(t.tag));
  const parts: string[] = [];
  if (written.length) parts.push(`${dryRun ? 'would be tagged' : 'tagged'} ${written.join(', ')}`);
  if (kept.length) parts.push(`already tagged ${kept.join(', ')}`);
  return parts.join('; ');
}

/** One row per platform of an index, or the one platform of a single image: the manifest and the image's bytes. */
function platformLines(r: ItemOutcome): string[] {
  if (!r.platforms.length) return [];
  const rows = r.platforms.map(
    (p) => `| ${code(p.platform)} | ${code(p.digest)} | ${p.imageBytes === undefined ? '–' : formatBytes(p.imageBytes)} |`,
  );
  const n = r.platforms.length;
  const heading = isIndex(r.root!.mediaType) ? `${n} ${n === 1 ? 'platform' : 'platforms'}` : 'platform';
  return [`| ${heading} | manifest | image size |`, '|---|---|---:|', ...rows];
}

/** `Referrers: 2 found (1 × signature (cosign), 1 × SBOM (…)): 2 copied, 0 already there`, or that none were found. */
function referrerLine(r: ItemOutcome, dryRun: boolean): string | undefined {
  const found = r.referrers;
  if (!found) return undefined;
  if (!found.found) return '**Referrers:** none found (no signatures, SBOMs or attestations refer to the copied manifests)';
  const kinds = found.kinds.map((k) => `${k.count} × ${escapeHtml(k.label)}`).join(', ');
  const fate = dryRun ? `${found.copied} to copy, ${found.there} already there` : `${found.copied} copied, ${found.there} already there`;
  return `**Referrers:** ${found.found} found (${kinds}): ${fate}`;
}

/** Nodes and bytes copied, mounted and already there, with shares of the bytes that add up to 100. */
function totalsTable(t: CopyTotals, durationMs: number, dryRun: boolean): string[] {
  const shares = percentages([t.bytesCopied, t.bytesMounted, t.bytesExisting]);
  const lines = [
    '| | nodes | bytes | share of bytes |',
    '|---|---:|---:|---:|',
    `| ${dryRun ? 'to copy' : 'copied'} | ${t.copied} | ${formatBytes(t.bytesCopied)} | ${shares[0]} |`,
    `| ${dryRun ? 'to mount' : 'mounted'} from other repositories | ${t.mounted} | ${formatBytes(t.bytesMounted)} | ${shares[1]} |`,
    `| already there | ${t.existing} | ${formatBytes(t.bytesExisting)} | ${shares[2]} |`,
    '',
  ];
  const took = formatDuration(durationMs);
  if (t.bytesResent > 0)
    lines.push(
      `**Resent:** ${formatBytes(t.bytesResent)} went twice: uploads broke off (a lost connection, a front's 413, an expired token) and went on where the registry had them.`,
      '',
    );
  // A rate means something only when the copy was mostly bytes travelling: not when nothing moved,
  // nor when mounts did the work and a few manifests were all that travelled.
  if (dryRun) lines.push(`Checked in ${took}.`);
  else if (t.bytesCopied === 0) lines.push(`Took ${took}: no bytes had to travel.`);
  else if (t.bytesCopied < t.bytesMounted || t.bytesCopied < RATE_MIN_BYTES)
    lines.push(`Took ${took}: ${formatBytes(t.bytesCopied)} travelled.`);
  else
    lines.push(`Took ${took}: ${formatBytes(t.bytesCopied)} copied at ${formatBytes(t.bytesCopied / (Math.max(durationMs, 1) / 1000))}/s.`);
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

/** Every node under its heading (its platform's image, the index, the referrers), as the outcome groups them. */
function nodeTable(r: ItemOutcome): string {
  const rows: string[] = ['| | action | media type | digest | size |', '|---|---|---|---|---:|'];
  for (const group of r.nodeGroups) {
    group.nodes.forEach((n, i) => {
      rows.push(
        `| ${i === 0 ? `**${escapeHtml(group.label)}**` : ''} | ${action(n)} | ${escapeHtml(n.mediaType)} | ${code(`${n.digest.slice(0, 19)}…`)} | ${formatBytes(n.size)} |`,
      );
    });
  }
  return rows.join('\n');
}

function action(n: NodeRecord): string {
  return `${n.action}${n.from ? ` from ${code(n.from)}` : ''}`;
}

/** `3 destinations, all sha256:…` (with how many failed, when some did). */
function destinationsHeadline(outcome: JobOutcome): string {
  const n = outcome.results.length;
  const { failed, skipped, deferred } = outcome.counts;
  const ok = n - failed - skipped - deferred;
  const digest = outcome.root ? ` ${code(outcome.root.digest)}` : '';
  if (!failed && !skipped && !deferred) return `**${n} destinations${outcome.dryRun ? ' would get' : ', all'}**${digest}`;
  const parts = [`**${ok} of ${n} destinations ${outcome.dryRun ? 'would get' : 'got'}**${digest}`];
  const refused = outcome.results.filter((r) => r.refusedBy).length;
  if (failed - refused) parts.push(`${failed - refused} ${STATUS_WORDS.failed.word}`);
  if (refused) parts.push(`${refused} refused`);
  return [...parts, ...notDoneCounts(outcome.counts)].join(', ');
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
