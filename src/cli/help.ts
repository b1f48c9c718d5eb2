import type { Flag } from './flags.js';

/** A command's help: its usage lines, what it does, then sections of two-column rows or plain lines. */
export interface Help {
  usage: string[];
  summary: string;
  sections: Array<{ title: string; rows?: Array<[string, string]>; lines?: string[] }>;
}

/** `--concurrency N`, `-h, --help`, `--tls-verify[=false]`: a flag as help shows it. */
function flagName(f: Flag): string {
  const long =
    f.kind === 'switch' ? `--${f.name}[=${f.value ?? 'false'}]` : `--${f.name}${f.value && f.kind !== 'boolean' ? ` ${f.value}` : ''}`;
  return f.short ? `-${f.short}, ${long}` : long;
}

export function flagRows(flags: Flag[]): Array<[string, string]> {
  return flags.map((f) => [flagName(f), f.help]);
}

/** Help lines end by this column, as a terminal of 100 columns shows them. */
const WIDTH = 100;

/** The help text: columns aligned, the right one wrapped to fit. */
export function formatHelp(help: Help): string {
  const out: string[] = [];
  for (const [i, u] of help.usage.entries()) out.push(`${i === 0 ? 'usage: ' : '       '}${u}`);
  out.push('', ...wrap(help.summary, WIDTH));
  for (const section of help.sections) {
    out.push('', `${section.title}:`);
    if (section.rows) {
      const column = Math.min(34, Math.max(...section.rows.map(([left]) => left.length)) + 4);
      for (const [left, right] of section.rows) {
        const [first, ...more] = wrap(right, WIDTH - column);
        if (left.length + 4 > column) out.push(`  ${left}`, `${' '.repeat(column)}${first}`);
        else out.push(`  ${left.padEnd(column - 2)}${first}`);
        for (const line of more) out.push(`${' '.repeat(column)}${line}`);
      }
    }
    for (const line of section.lines ?? []) out.push(line ? `  ${line}` : '');
  }
  return `${out.join('\n')}\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}
