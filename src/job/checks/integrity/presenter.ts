import { problemLine } from '../../../integrity/problems.js';
import type { CheckPresenter } from '../presenter.js';
import type { ImageIntegrity } from './names.js';

const HEADING = 'Check';
const MARK = '🩺';

/** `3 manifests, 7 blobs (hashed), 2 referrers`. */
function checkedPhrase(r: ImageIntegrity): string {
  const { manifests, blobs, referrers } = r.checked;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    plural(manifests, 'manifest'),
    `${plural(blobs, 'blob')}${r.deep ? ' (hashed)' : ''}`,
    ...(referrers ? [plural(referrers, 'referrer')] : []),
  ].join(', ');
}

/**
 * What the check of a destination found: intact (what was checked), or one line per problem; a
 * repair names what it put back. The row's cell says which of intact, drifted, damaged or repaired.
 */
export const integrityPresenter: CheckPresenter<ImageIntegrity> = {
  heading: HEADING,
  mark: MARK,
  logLines: (r) => {
    const lines: string[] = [];
    if (r.status === 'intact') lines.push(`Intact ${r.digest} in ${r.destination}: ${checkedPhrase(r)} checked`);
    else for (const p of r.problems) lines.push(`${r.status === 'repaired' ? 'Repaired: ' : ''}${problemLine(p)}`);
    if (r.putBack?.length)
      lines.push(
        `${r.status === 'repaired' ? 'Put back' : r.dryRun ? 'Would put back' : 'To put back'}: ${r.putBack.map((p) => p.digest).join(', ')}`,
      );
    if (r.stillDamaged?.length) lines.push(`Still damaged after the repair: ${r.stillDamaged.join(', ')}`);
    return lines;
  },
  summaryCells: (r) => {
    const n = r.problems.length;
    const problems = `${n} problem${n === 1 ? '' : 's'}`;
    if (r.status === 'intact') return [`intact${r.deep ? ' (deep)' : ''}`];
    if (r.status === 'repaired') return [`repaired: ${r.putBack?.length ?? 0} put back (below)`];
    return [`${r.status}: ${problems} (below)`];
  },
  json: (r) => ({
    key: 'check',
    fields: {
      status: r.status,
      deep: r.deep,
      problems: r.problems,
      ...(r.putBack ? { putBack: r.putBack } : {}),
      ...(r.stillDamaged?.length ? { stillDamaged: r.stillDamaged } : {}),
    },
  }),
  wrote: (r) => (r.status === 'repaired' ? `${r.putBack?.length ?? 0} pieces put back` : undefined),
};
