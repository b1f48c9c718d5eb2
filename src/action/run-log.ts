import type { StepInputs } from './inputs.js';
import { copyLog, planLine, syncLog, type LineSink } from '../job/render/log.js';
import type { JobReporter } from '../job/settings.js';
import { log } from './log.js';

/** The job's lines in the workflow log: groups fold, warnings are annotations, every line made safe. */
const ACTION_SINK: LineSink = { line: log.info, warning: log.warning, startGroup: log.startGroup, endGroup: log.endGroup };

/**
 * The step's log: for one image a group per destination, live while it copies (one, for an image
 * verified or signed in place); for a sync, the
 * list's size first, then a group per image copied, gathered while images copy side by side.
 */
export function actionReporter(step: StepInputs, now: () => number = Date.now): JobReporter {
  if (step.mode !== 'sync') return copyLog(ACTION_SINK);
  const reporter = syncLog(ACTION_SINK, now);
  const { origin, entries } = step.inputs;
  return {
    ...reporter,
    planned(plan) {
      reporter.planned?.(plan);
      log.info(`${origin}: ${planLine(plan, entries.length)}`);
    },
  };
}
