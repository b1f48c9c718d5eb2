/**
 * Text from outside (a registry's answer, a manifest's fields, a file's names, a user's input echoed
 * back) on its way to a log line, an error or the terminal. One function makes it safe, and every
 * such piece of text goes through it: a newline in it could forge a log line, an escape sequence
 * could act on the terminal, and in a workflow a line starting with `::` is a runner command.
 */

/** Longest piece of outside text shown in one place; the rest is cut with `…`. */
export const MAX_SHOWN = 512;

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides, as
 * `\xNN` or `\u{NNNN}` escapes. Everything else passes unchanged, cut to `max` characters.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function printable(text: unknown, max = MAX_SHOWN): string {
  let s = typeof text === 'string' ? text : String(text);
  if (s.length > max) s = `${s.slice(0, max)}…`;
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** `"text"` with the text made printable: for names that may be empty or hold spaces. */
export function quoted(text: unknown, max = MAX_SHOWN): string {
  return `"${printable(text, max).replace(/"/g, '\\"')}"`;
}

/**
 * A whole line about to be printed where a runner reads it (the action's log, and the CLI's, which a
 * workflow's `run:` step prints): control characters escaped; a line that would start with `::` (a
 * runner command) starts with an escaped colon instead; and `##[`, the runner's older command
 * prefix, which it finds anywhere in a line (`##[add-mask]`, `##[stop-commands]`), loses its
 * second `#`. Our own lines never hold either; this holds for any line, whatever text reached it.
 */
export function safeLine(line: string): string {
  const s = printable(line, Number.MAX_SAFE_INTEGER).replace(/##\[/g, '#\\x23[');
  return /^\s*::/.test(s) ? s.replace(/::/, '\\x3a:') : s;
}
