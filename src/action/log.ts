import * as core from '@actions/core';
import { safeLine } from '../oci/text.js';

/**
 * The action's log lines. Every line goes through `safeLine`, whatever outside text reached it (a
 * registry's error, a media type, a file name): no control character reaches the log, and no line
 * can be read by the runner as a workflow command.
 */
export const log = {
  info: (line: string): void => core.info(safeLine(line)),
  notice: (line: string): void => core.notice(safeLine(line)),
  warning: (line: string): void => core.warning(safeLine(line)),
  /** The step's one error line, and its failure. */
  failed: (message: string): void => core.setFailed(safeLine(message)),
  group: <T>(title: string, work: () => Promise<T>): Promise<T> => core.group(safeLine(title), work),
};
