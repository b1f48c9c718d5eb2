// Job outcomes built the way the runner builds them, from a copy's account, for tests of what
// renders them (the job summary, the outputs) without a registry.
import type { CopyReport } from '../../src/job/outcome/copy-report.js';
import { ItemRecord } from '../../src/job/outcome/item-record.js';
import { itemOutcome } from '../../src/job/outcome/item-outcome.js';
import { jobOutcome, type ItemStatus, type JobOutcome } from '../../src/job/outcome/outcome.js';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { parseReference } from '../../src/oci/reference.js';

export interface DestinationAccount {
  /** As the outcome names it (any text: a test may give one that is no reference). */
  destination: string;
  report: CopyReport;
  status?: ItemStatus;
}

/** A one-image job of `root` from `source` to each destination, each with the account its copy built. */
export function copyJobOutcome(options: {
  source: string;
  root: Descriptor;
  destinations: DestinationAccount[];
  dryRun: boolean;
  cacheNote?: string;
}): JobOutcome {
  const results = options.destinations.map((d, index) => {
    const item = { entry: 0, source: parseReference('example.com/source:1'), destination: parseReference('example.com/destination:1') };
    const record = new ItemRecord(index, item, 'copy', {}, d.report);
    record.source = options.source;
    record.destination = d.destination;
    record.sourceDescription = `[registry] ${options.source}`;
    record.destinationDescription = `[registry] ${d.destination}`;
    record.resolved = { source: options.root, root: options.root };
    record.references = d.report.tags.length ? [...d.report.tags] : [options.root.digest];
    record.status = d.status ?? (options.dryRun ? 'copy' : 'copied');
    return itemOutcome(record);
  });
  return jobOutcome('copy', options.dryRun, results, {
    plan: { all: results.length },
    rateLimits: [],
    durationMs: 0,
    warnings: [],
    ...(options.cacheNote ? { cacheNote: options.cacheNote } : {}),
  });
}
