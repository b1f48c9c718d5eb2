// Medians and the Markdown tables the bench prints (and BENCHMARKS.md quotes).

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function seconds(ms: number): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(ms < 10_000 ? 2 : 1) : '–';
}

export function mb(value: number): string {
  return Number.isFinite(value) ? value.toFixed(0) : '–';
}

/** `a / b` as `1.23×`. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Everything printed, kept so it can also be written to a file at the end. */
export class Output {
  private readonly parts: string[] = [];

  section(title: string, ...body: string[]): void {
    const text = [`\n### ${title}\n`, ...body].join('\n');
    this.parts.push(text);
    process.stdout.write(`${text}\n`);
  }

  note(text: string): void {
    this.parts.push(text);
    process.stdout.write(`${text}\n`);
  }

  text(): string {
    return `${this.parts.join('\n')}\n`;
  }
}
