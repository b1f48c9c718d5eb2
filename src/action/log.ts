import * as core from '@actions/core';
import type { CopyEvent } from '../copy/events.js';
import { logLines } from '../job/render/event-lines.js';
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

/** Log lines for each event, and a progress line every few seconds for a blob that takes long: workflow logs are not a terminal. */
export function logEvents(now: () => number = Date.now, write: (line: string) => void = log.info): (event: CopyEvent) => void {
  return logLines(write, now);
}
