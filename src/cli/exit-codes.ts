/** What the command line's exit status says, as scripts read it. */
export const ExitCode = {
  Done: 0,
  Failed: 1,
  Usage: 2,
  /** 128 + SIGINT: Ctrl-C. */
  Interrupted: 130,
  /** 128 + SIGTERM: a cancelled job, `kill`. */
  Terminated: 143,
} as const;

/** The exit statuses, for help. */
export const EXIT_CODE_HELP: Array<[string, string]> = [
  [String(ExitCode.Done), 'done'],
  [String(ExitCode.Failed), 'the copy failed (the last line says why)'],
  [String(ExitCode.Usage), 'bad arguments: nothing was done'],
  [String(ExitCode.Interrupted), 'interrupted (SIGINT, Ctrl-C): unfinished files removed'],
  [String(ExitCode.Terminated), 'terminated (SIGTERM): unfinished files removed'],
];
