import { printable } from '../oci/text.js';
import type { RateLimitNote } from '../targets/registry/index.js';

/** Tables longer than this fold into <details> in the job summary. */
export const FOLD_ROWS = 20;

/** Escapes text that came from outside (references, repository names) for the summary's HTML. */
export function escapeHtml(text: string): string {
  return printable(text, 4096).replace(/[&<>"'`|]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Outside text as inline code. */
export const code = (text: string) => `<code>${escapeHtml(text)}</code>`;

/** `docker.io: 76 of 100 pulls left per 6 h`, for each registry that said. */
export function rateLimitLine(notes: RateLimitNote[]): string | undefined {
  if (!notes.length) return undefined;
  const parts = notes.map((n) => {
    const window = n.windowSeconds ? ` per ${formatWindow(n.windowSeconds)}` : '';
    return `${code(n.registry)}: ${n.remaining}${n.limit !== undefined ? ` of ${n.limit}` : ''} pulls left${window}`;
  });
  return `<sub>Pull limits at the end: ${parts.join('; ')}.</sub>`;
}

/** `21600` → `6 h`, `90` → `90 s`: a rate-limit window as Docker Hub states them. */
export function formatWindow(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
