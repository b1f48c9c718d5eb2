import { writeSync } from 'node:fs';
import { messageOf } from '../oci/errors.js';

/**
 * A fault no code path caught (an `error` event nobody listened for, a rejection nobody awaited)
 * would end the process with a stack trace and nothing else: in a workflow log, no error line, no
 * summary. It ends the process with one line naming it instead, and the stack only where debugging
 * asked for it. Exit 1 at once: what was being written is abandoned, and no tag names it, as tags
 * are pushed only after everything they refer to. For entry points only.
 */
export function endOnUncaught(say: (line: string) => void, stack: (text: string) => void): void {
  let ended = false;
  const end = (err: unknown): void => {
    if (ended) return;
    ended = true;
    const line = `internal error, the run stopped: ${messageOf(err)}; nothing was tagged for what it was writing`;
    try {
      say(line);
      if (err instanceof Error && typeof err.stack === 'string') stack(err.stack);
    } catch {
      // The usual way to say it failed too: the line goes to standard error as it is.
      writeSync(2, `${line}\n`);
    } finally {
      process.exit(1);
    }
  };
  process.on('uncaughtException', end);
  process.on('unhandledRejection', end);
}
