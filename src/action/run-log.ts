import { copyLog, syncLog, type LineSink } from '../run/run-log.js';
import type { RunReporter } from '../run/run.js';
import type { Inputs } from '../inputs/inputs.js';
import { log } from './log.js';

/** The run's lines in the workflow log: groups fold, every line made safe. */
const ACTION_SINK: LineSink = { line: log.info, startGroup: log.startGroup, endGroup: log.endGroup };

/** The one-image step's log: a group per destination, live while it copies. */
export function liveReporter(inputs: Inputs): RunReporter {
  return copyLog(ACTION_SINK, { dryRun: inputs.dryRun, operations: inputs.operations });
}

/** A sync's log: a group per image copied, gathered while images copy side by side. */
export function syncReporter(total: number, dryRun: boolean, now: () => number = Date.now): RunReporter {
  return syncLog(ACTION_SINK, total, dryRun, now);
}
