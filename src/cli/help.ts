import type { Flag } from './flags.js';

/** A command's help: its usage lines, what it does, then sections of two-column rows or plain lines. */
export interface Help {
  usage: string[];
  summary: string;
  sections: Array<{ title: string; rows?: Array<[string, string]>; lines?: string[] }>;
}

/** `--concurrency N`, `-h, --help`, `--tls-verify[=false]`: a flag as help shows it. */
function flagName(f: Flag): string {
  const long = f.kind === 'switch' ? `--${f.name}[=${f.value ?? 'false'}]` : `--${f.name}${f.value && f.kind !== 'boolean' ? ` ${f.value}` : ''}`;
  return f.short ? `-${f.short}, ${long}` : long;
}

export function flagRows(flags: Flag[]): Array<[string, string]> {
  return flags.map((f) => [flagName(f), f.help]);
}

/** The help text, columns aligned, at most two spaces of indent. */
export function formatHelp(help: Help): string {
  const out: string[] = [];
  help.usage.forEach((u, i) => out.push(`${i === 0 ? 'usage: ' : '       '}${u}`));
  out.push('', help.summary);
  for (const section of help.sections) {
    out.push('', `${section.title}:`);
    if (section.rows) {
      const width = Math.min(34, Math.max(...section.rows.map(([left]) => left.length)) + 2);
      for (const [left, right] of section.rows) {
        out.push(left.length + 2 > width ? `  ${left}\n  ${' '.repeat(width)}${right}` : `  ${left.padEnd(width)}${right}`);
      }
    }
    for (const line of section.lines ?? []) out.push(line ? `  ${line}` : '');
  }
  return `${out.join('\n')}\n`;
}
