import type { ItemOutcome } from '../outcome/outcome.js';

/** A check's part of an image's JSON record: fields under `key`, beside other checks' under the same key. */
export interface JsonPart {
  key: string;
  fields: Record<string, unknown>;
}

/**
 * How a check's record `R` is shown, so that the log, the terminal, the job summary and `--json`
 * show every check alike and name none.
 */
export interface CheckPresenter<R> {
  /** Where a summary gathers its lines (`Signatures`), and the mark before each line and cell there. */
  readonly heading: string;
  readonly mark: string;
  /** Its lines for the log, the terminal and the summary; `told`: leave out what the log said as the check ran. */
  logLines(record: R, item: ItemOutcome, told: boolean): string[];
  /** Short phrases for the image's row of a summary table. */
  summaryCells(record: R): string[];
  /** Its part of the image's JSON record, if any. */
  json(record: R): JsonPart | undefined;
  /** What it wrote to a destination that otherwise got nothing (`the signature above`), if it did. */
  wrote?(record: R): string | undefined;
}

/** A record bound to its presenter: what the renderers iterate. */
export interface PresentedRecord {
  /** The check that made it. */
  readonly check: string;
  readonly heading: string;
  readonly mark: string;
  logLines(item: ItemOutcome, told: boolean): string[];
  summaryCells(): string[];
  json(): JsonPart | undefined;
  wrote(): string | undefined;
}

/** `record` with how `presenter` shows it, the two bound once so neither is told apart again. */
export function present<R>(check: string, presenter: CheckPresenter<R>, record: R): PresentedRecord {
  return {
    check,
    heading: presenter.heading,
    mark: presenter.mark,
    logLines: (item, told) => presenter.logLines(record, item, told),
    summaryCells: () => presenter.summaryCells(record),
    json: () => presenter.json(record),
    wrote: () => presenter.wrote?.(record),
  };
}
