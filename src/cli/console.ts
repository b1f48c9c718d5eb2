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
 *
 * Quiet (`-q`), it writes errors as they come and, when the command ends without one, its final
 * line: nothing else, and no status line.
 */
export class Console {
  private status = '';
  private quiet = false;
  private finalLine: string | undefined;

  constructor(private readonly out: Output) {}

  /** From now on, errors and the final line only. */
  beQuiet(): void {
    this.quiet = true;
    this.clearStatus();
  }

  get isTerminal(): boolean {
    return this.out.isTTY === true && !this.quiet;
  }

  line(text: string): void {
    if (!this.quiet) this.write(text);
  }

  /** A line that closes what the command did (its totals): quiet, the last of them is written at the end. */
  final(text: string): void {
    if (this.quiet) this.finalLine = text;
    else this.write(text);
  }

  /** An error: written even when quiet, then as `alone` when given (the error where no heading names its subject). */
  error(text: string, alone?: string): void {
    this.write(this.quiet ? (alone ?? text) : text);
  }

  /** A question on the line, answered on the same line (a password prompt): written even when quiet. */
  ask(text: string): void {
    this.clearStatus();
    this.out.write(safeLine(text));
  }

  /** The question was answered: the line ends. */
  answered(): void {
    this.out.write('\n');
  }

  /** The command is done and did not fail: quiet, its final line is written now. */
  finish(): void {
    if (this.finalLine !== undefined) this.write(this.finalLine);
    this.finalLine = undefined;
  }

  private write(text: string): void {
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
