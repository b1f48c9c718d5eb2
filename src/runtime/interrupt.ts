import { removeTrackedPartials } from '../targets/partial-files.js';

/** What an interrupted run still does: remove what it was writing, close what it opened. */
export type Cleanup = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();
let signalled: NodeJS.Signals | undefined;

/** Registers a cleanup for an interrupt (a target to close as failed); returns its removal. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** The signal that interrupted this run, if one did: what fails after it is its doing, not news. */
export function interruptedBy(): NodeJS.Signals | undefined {
  return signalled;
}

export interface InterruptOptions {
  /** Prints the line that says the run was interrupted. */
  say: (line: string) => void;
  /** How long the cleanups may take before the process exits anyway. */
  graceMs?: number;
  exit?: (code: number) => void;
}

/** The shell's exit statuses: 128 + the signal's number. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * On SIGINT or SIGTERM: removes the partial files being written (at once, whatever the writes
 * still in flight do), runs the registered cleanups for at most `graceMs`, says so, and exits
 * 130 or 143. A second signal exits at once. Returns the removal of the handlers.
 */
export function handleInterrupts(options: InterruptOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const graceMs = options.graceMs ?? 2000;
  const handler = (signal: keyof typeof EXIT_CODES) => {
    const code = EXIT_CODES[signal];
    if (signalled) return exit(code);
    signalled = signal;
    let removed = removeTrackedPartials();
    const work = Promise.allSettled([...cleanups].map((cleanup) => Promise.resolve().then(cleanup)));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    void Promise.race([work, grace]).then(() => {
      clearTimeout(timer);
      // A write that started while the cleanups ran has its partial file too.
      removed += removeTrackedPartials();
      const note = removed ? `: removed ${removed} unfinished file${removed === 1 ? '' : 's'}` : '';
      options.say(`interrupted (${signal})${note}`);
      exit(code);
    });
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}
