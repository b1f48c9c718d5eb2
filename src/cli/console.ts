import { safeLine } from '../oci/text.js';

/** Where the command line writes for people: standard error, leaving standard output for data. */
export interface Output {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * The lines a command prints, and on a terminal one status line below them, redrawn in place.
 * The status line is cleared before any other line is written and drawn again after it, so no
 * line (an error least of all) lands on it. Every line goes through `safeLine`.
 */
export class Console {
  private status = '';

  constructor(private readonly out: Output) {}

  get isTerminal(): boolean {
    return this.out.isTTY === true;
  }

  line(text: string): void {
    this.out.write(`${this.status ? '\r\x1b[K' : ''}${safeLine(text)}\n${this.status}`);
  }

  /** Replaces the status line (a terminal only), cut to the terminal's width so it never wraps. */
  setStatus(text: string): void {
    if (!this.isTerminal) return;
    const width = Math.max(20, (this.out.columns || 80) - 1);
    const line = safeLine(text);
    const next = line.length > width ? `${line.slice(0, width - 1)}…` : line;
    if (next === this.status) return;
    this.status = next;
    this.out.write(`\r\x1b[K${next}`);
  }

  clearStatus(): void {
    if (!this.status) return;
    this.status = '';
    this.out.write('\r\x1b[K');
  }
}
