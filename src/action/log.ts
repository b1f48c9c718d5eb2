import * as core from '@actions/core';
import type { CopyEvent } from '../copy/events.js';
import { eventLine } from '../copy/log-lines.js';
import { formatBytes } from '../copy/report.js';
import { safeLine } from '../oci/text.js';

/**
 * The action's log lines. Every line goes through `safeLine`, whatever outside text reached it (a
 * registry's error, a media type, a file name): no control character reaches the log, and no line
 * can be read by the runner as a workflow command.
 */
export const log = {
  info: (line: string): void => core.info(safeLine(line)),
  /** Shown only with step debug logging on (ACTIONS_STEP_DEBUG). */
  debug: (line: string): void => core.debug(safeLine(line)),
  notice: (line: string): void => core.notice(safeLine(line)),
  warning: (line: string): void => core.warning(safeLine(line)),
  /** The step's one error line, and its failure. */
  failed: (message: string): void => core.setFailed(safeLine(message)),
  group: <T>(title: string, work: () => Promise<T>): Promise<T> => core.group(safeLine(title), work),
  startGroup: (title: string): void => core.startGroup(safeLine(title)),
  endGroup: (): void => core.endGroup(),
};

/** How often a long transfer prints a progress line: workflow logs are not a terminal. */
export const PROGRESS_EVERY_MS = 5000;

/** Log lines for each event, and a progress line every few seconds for a blob that takes long. */
export function logEvents(now: () => number = Date.now, write: (line: string) => void = log.info): (event: CopyEvent) => void {
  const started = new Map<string, { at: number; last: number }>();
  return (event) => {
    if (event.type === 'progress') {
      const s = started.get(event.node.digest);
      const t = now();
      if (s && t - s.last >= PROGRESS_EVERY_MS) {
        s.last = t;
        const pct = event.node.size ? Math.floor((event.bytes / event.node.size) * 100) : 100;
        const rate = event.bytes / Math.max(1, (t - s.at) / 1000);
        write(`  ${event.node.digest.slice(7, 19)} ${formatBytes(event.bytes)} / ${formatBytes(event.node.size)} (${pct}%) ${formatBytes(rate)}/s`);
      }
      return;
    }
    if (event.type === 'started') started.set(event.node.digest, { at: now(), last: now() });
    if (event.type === 'done') started.delete(event.node.digest);
    const line = eventLine(event);
    if (line) write(line);
  };
}
