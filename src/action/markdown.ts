import { printable } from '../oci/text.js';
import { pullsLeft, type RateLimitNote } from '../targets/registry/index.js';
import type { LockOutcome } from '../job/outcome/outcome.js';

/** Tables longer than this fold into <details> in the job summary. */
export const FOLD_ROWS = 20;

/** Escapes text that came from outside (references, repository names) for the summary's HTML. */
export function escapeHtml(text: string): string {
  return printable(text, 4096).replace(/[&<>"'`|]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Outside text that may hold Markdown's own signs (a tag regex such as `4\..*`): escaped as
 * `escapeHtml` does, and backslashes, asterisks, underscores and brackets as entities, so it reads
 * as written instead of as emphasis or an escape.
 */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text).replace(/[\\*_[\]~]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Outside text as inline code. */
export const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

/** `docker.io: 76 of 100 pulls left per 6 h`, for each registry that said. */
export function rateLimitLine(notes: RateLimitNote[]): string | undefined {
  if (!notes.length) return undefined;
  return `<sub>Pull limits at the end: ${notes.map((n) => `${code(n.registry)}: ${pullsLeft(n)}`).join('; ')}.</sub>`;
}

/** `> 🔒 Lock: Wrote mirror.lock.json: 12 images (changed)`, and the images it left out, when it did. */
export function lockLine(lock: LockOutcome): string {
  const left = lock.leftOut.length
    ? ` Left out: ${lock.leftOut
        .slice(0, 10)
        .map((l) => `${code(l.destination)} (${escapeHtml(l.why)})`)
        .join(', ')}${lock.leftOut.length > 10 ? `, and ${lock.leftOut.length - 10} more` : ''}.`
    : '';
  return `> 🔒 Lock: ${escapeHtml(lock.line)}.${left}`;
}
