import type { CopyListener } from '../copy/events.js';
import type { JobOutcome } from '../job/outcome/outcome.js';
import type { LineSink } from '../job/render/log.js';
import type { JobReporter } from '../job/settings.js';
import { printable } from '../oci/text.js';
import type { OpenTargetOptions } from '../targets/open-target.js';
import { pullsLeft } from '../targets/registry/index.js';
import { httpEventLine, type HttpEvent } from '../targets/registry/network/observer.js';
import type { Console } from './console.js';
import { UsageError } from './flags.js';
import { TerminalProgress } from './progress.js';

/** Where a command's lines go: standard error, a group a heading line, a warning marked as one. */
export function consoleSink(console: Console): LineSink {
  return {
    line: (text) => console.line(text),
    warning: (text) => console.line(`warning: ${text}`),
    startGroup: (title) => console.line(title),
    endGroup: () => {},
  };
}

/** What a command shows while it runs: on a terminal a status line, with `--debug` every request. */
export interface TerminalSession {
  progress?: TerminalProgress;
  /** What the targets are opened with for it: the environment, the HTTP observer. */
  open: OpenTargetOptions;
}

/** What a command shows, from its flags: `--debug` every request, `-q` errors and the final line only. */
export function terminalSession(console: Console, env: NodeJS.ProcessEnv, values: Record<string, unknown>): TerminalSession {
  const debug = values.debug === true;
  if (values.quiet === true) {
    if (debug) throw new UsageError('--quiet and --debug ask for fewer and for more lines: give one');
    console.beQuiet();
  }
  const progress = console.isTerminal ? new TerminalProgress(console) : undefined;
  const onHttp =
    debug || progress
      ? (event: HttpEvent) => {
          if (debug) console.line(`debug: ${httpEventLine(event)}`);
          progress?.onHttp(event);
        }
      : undefined;
  return { ...(progress ? { progress } : {}), open: { env, ...(onHttp ? { onHttp } : {}) } };
}

/** The terminal's status line counts every item's bytes, beside what `reporter` shows. */
export function withProgress(reporter: JobReporter, progress: TerminalProgress | undefined): JobReporter {
  if (!progress) return reporter;
  return {
    ...reporter,
    itemStarted(start) {
      const log = reporter.itemStarted?.(start);
      const bytes = progress.listener(start.index);
      const both: CopyListener = (event) => {
        bytes(event);
        log?.(event);
      };
      return both;
    },
  };
}

/** `docker.io: 76 of 100 pulls left per 6 h`, a line for each registry that said, after the result. */
export function printPullLimits(console: Console, outcome: JobOutcome): void {
  for (const note of outcome.rateLimits) console.line(`${printable(note.registry)}: ${pullsLeft(note)}`);
}
