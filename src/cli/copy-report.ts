import type { ItemOutcome } from '../job/outcome/outcome.js';
import { eventLines, resultLine, totalsLine } from '../job/render/log.js';
import { checkLines } from '../job/render/checks.js';
import type { JobReporter } from '../job/settings.js';
import { formatReference } from '../oci/reference.js';
import type { Console } from './console.js';
import { consoleSink, withProgress } from './terminal.js';
import type { TerminalProgress } from './progress.js';

/**
 * What a copy prints as it goes, on standard error: with several destinations a heading for each;
 * a line per event (on a terminal under the status line; elsewhere, as a CI log or `| tee` sees
 * it, also a progress line every few seconds for a blob that takes long); and as each destination
 * is done, its result, once, in order: what went where (or why not), the digest and the totals.
 * A single destination that failed prints nothing here: its error is the command's last line.
 */
export function copyReporter(console: Console, progress: TerminalProgress | undefined, destinations: number): JobReporter {
  const sink = consoleSink(console);
  const several = destinations > 1;
  let dryRun = false;
  return withProgress(
    {
      warning: sink.warning,
      budgetStopped: sink.warning,
      lockNote: (line) => console.line(line),
      itemStarted(start) {
        dryRun = start.dryRun;
        // One that moves nothing (unchanged, not attempted) is told by its result line alone.
        if (several && !start.known) {
          console.line(
            `${start.dryRun ? 'Dry run' : 'Copying'} ${formatReference(start.item.source)} => ${formatReference(start.item.destination)}`,
          );
          progress?.begin(`destination ${start.index + 1} of ${destinations}`);
        }
        return eventLines(sink, { progress: !progress });
      },
      itemDone(r) {
        if (several || (r.status !== 'failed' && r.status !== 'skipped')) printResult(console, r, dryRun);
      },
    },
    progress,
  );
}

/** A destination's result; its last line (the totals, or the result when nothing was copied) is a final line. */
function printResult(console: Console, r: ItemOutcome, dryRun: boolean): void {
  const t = r.totals;
  const totals = r.root !== undefined && !(r.status === 'unchanged' && t.nodes <= 1);
  if (r.status === 'failed') console.error(resultLine(r, dryRun), `${r.destination}: ${resultLine(r, dryRun)}`);
  else if (totals) console.line(resultLine(r, dryRun));
  else console.final(resultLine(r, dryRun));
  if (!r.root) return;
  console.line(`Digest: ${r.root.digest}`);
  // What a check said as it ran (a verification, before the copy) is not said again.
  for (const line of checkLines(r, true)) console.line(line);
  const totalsText = totalsLine(r, dryRun);
  if (totalsText) console.final(totalsText);
}
