/**
 * How messages name an entry of a list: `images-file mirror.yml: entry 2 (line 7)`. Apart from the
 * list's reader, so that a message can name an entry without loading the YAML parser.
 */
export function entryName(origin: string, entry: { number: number; line?: number }): string {
  return `${origin}: entry ${entry.number}${entry.line ? ` (line ${entry.line})` : ''}`;
}
