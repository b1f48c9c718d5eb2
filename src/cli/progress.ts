import type { CopyListener } from '../copy/events.js';
import { formatBytes } from '../job/outcome/copy-report.js';
import type { HttpEvent } from '../targets/registry/network/observer.js';
import type { Console } from './console.js';

/** How often the status line is redrawn: often enough to look alive, rarely enough to cost nothing. */
const REDRAW_MS = 250;
/** The rate is measured over this much of the recent past. */
const RATE_WINDOW_MS = 5000;

/**
 * The terminal's status line for a whole copy: bytes moved out of the bytes known so far (every
 * blob and manifest that started moving, to every destination of a sync; for a copy to several
 * destinations, to the one being copied, see `begin`), the rate over the last seconds,
 * the time left at that rate, and a `retrying (2/5)` note while a retry waits. Bytes never go
 * backwards: a blob sent again after a failure counts once, and what went twice is told apart (`resent`). Redrawn on a timer, so it moves on
 * (the rate falls, the note shows) while nothing arrives.
 */
export class TerminalProgress {
  private readonly nodes = new Map<string, { size: number; bytes: number; done: boolean }>();
  private total = 0;
  private moved = 0;
  /** Bytes sent twice: uploads that broke off and went on where the registry had them. */
  private resent = 0;
  private inFlight = 0;
  private samples: Array<{ at: number; moved: number }> = [];
  private retry?: { note: string; url: string };
  private timer?: NodeJS.Timeout;
  /** Which destination the line counts, when a copy has several (`destination 2 of 3`). */
  private label?: string;

  constructor(
    private readonly console: Console,
    private readonly now: () => number = Date.now,
  ) {}

  /** The listener for the events of destination `index`: each destination moves its own bytes. */
  listener(index: number): CopyListener {
    return (event) => {
      const key = `${index} ${event.node.digest}`;
      const node = this.nodes.get(key);
      if (event.type === 'started' && !node) {
        this.nodes.set(key, { size: event.node.size, bytes: 0, done: false });
        this.total += event.node.size;
        this.inFlight++;
      } else if (event.type === 'progress' && node && event.bytes > node.bytes) {
        this.moved += Math.min(event.bytes, node.size) - node.bytes;
        node.bytes = Math.min(event.bytes, node.size);
      } else if (event.type === 'resumed') {
        this.resent += event.resent;
      } else if (event.type === 'done' && node && !node.done) {
        node.done = true;
        this.inFlight--;
        if (event.action === 'copied') {
          this.moved += node.size - node.bytes;
          node.bytes = node.size;
        }
      }
    };
  }

  /**
   * Counts from nothing again, for `label`: the destinations of one image are copied in turn, and
   * each one's line is its own (the same blob sent to two of them is not twice the work to do).
   */
  begin(label: string): void {
    this.nodes.clear();
    this.total = 0;
    this.moved = 0;
    this.resent = 0;
    this.inFlight = 0;
    this.samples = [];
    this.label = label;
  }

  /** Notes a retry while it waits; the next answer to the same URL ends the note. */
  readonly onHttp = (event: HttpEvent): void => {
    if (event.type === 'retry')
      this.retry = { note: `retrying (${event.attempt}/${event.maxTries}): ${event.reason}`, url: event.url.href };
    else if (this.retry?.url === event.url.href) this.retry = undefined;
  };

  start(): void {
    this.timer ??= setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.console.clearStatus();
  }

  /** The status line as it reads now. */
  line(): string {
    const t = this.now();
    this.samples.push({ at: t, moved: this.moved });
    while (this.samples.length > 2 && t - this.samples[1].at >= RATE_WINDOW_MS) this.samples.shift();
    const parts: string[] = [];
    if (this.total) {
      const pct = Math.floor((this.moved / this.total) * 100);
      parts.push(`Copying ${formatBytes(this.moved)} of ${formatBytes(this.total)} (${pct}%)`);
      const first = this.samples[0];
      const seconds = (t - first.at) / 1000;
      if (seconds >= 1) {
        const rate = (this.moved - first.moved) / seconds;
        parts.push(`${formatBytes(rate)}/s`);
        const left = this.total - this.moved;
        if (rate > 0 && left > 0) parts.push(`${formatSeconds(left / rate)} left`);
      }
      if (this.resent > 0) parts.push(`${formatBytes(this.resent)} resent`);
      if (this.inFlight > 0) parts.push(`${this.inFlight} in flight`);
      if (this.label) parts.push(this.label);
    }
    if (this.retry) parts.push(this.retry.note);
    return parts.join(' · ');
  }

  private draw(): void {
    const line = this.line();
    if (line) this.console.setStatus(line);
    else this.console.clearStatus();
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
