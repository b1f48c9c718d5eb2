import type { ResolvedRoot } from '../../copy/resolve-root.js';
import type { CopyEvent, CopyListener, PlatformManifest } from '../../copy/events.js';
import { CopyReport } from './copy-report.js';
import { formatReference } from '../../oci/reference.js';
import type { Operation } from '../../plan/operation.js';
import type { PlanItem } from '../../plan/plan.js';
import { ItemChecks } from '../checks/item-checks.js';
import type { ItemStatus, UnchangedReason } from './outcome.js';
import type { ImageOptions } from '../settings.js';

/**
 * What the pipeline learns of one item as it goes, stage by stage: the copy's events (gathered
 * in a `CopyReport`) and each stage's value. The outcome is made from it once, at the end.
 * Events raised before the item's log opens (a check's notice) wait for it, in order.
 */
export class ItemRecord {
  /** What its checks and stages recorded. */
  readonly checks = new ItemChecks();
  status: ItemStatus = 'failed';
  /** Full references: the source with the tag it was read by, the destination with every tag it gets. */
  source: string;
  destination: string;
  sourceDescription?: string;
  destinationDescription?: string;
  resolved?: ResolvedRoot;
  references?: string[];
  current?: ReadonlyMap<string, string | undefined>;
  state?: 'unchanged' | 'differs';
  /** The platform of a single-manifest image, read from its config while it copied. */
  imagePlatform?: PlatformManifest;
  refusedBy?: string;
  /** Why it is unchanged without a request (`immutable`). */
  reason?: UnchangedReason;
  error?: unknown;
  private started = false;
  private listener?: CopyListener;
  private readonly waiting: CopyEvent[] = [];

  constructor(
    readonly index: number,
    readonly item: PlanItem,
    readonly operation: Operation,
    readonly options: ImageOptions,
    /** The copy's account, built from its events. */
    readonly report: CopyReport = new CopyReport(),
  ) {
    this.source = formatReference(item.source);
    this.destination = formatReference(item.destination);
  }

  /** Every event of the item: into its account, and to its log once that is open. */
  readonly emit = (event: CopyEvent): void => {
    this.report.listener(event);
    if (this.started) this.listener?.(event);
    else this.waiting.push(event);
  };

  /** The item waits for its turn (another destination of the image is being copied): its clock stops. */
  wait(): void {
    this.report.pause();
  }

  /** The item's log opens: it gets what was said so far, then every event as it comes. Its clock runs again. */
  start(listener: CopyListener | undefined): void {
    this.report.resume();
    this.started = true;
    this.listener = listener;
    for (const event of this.waiting.splice(0)) listener?.(event);
  }

  /** A line of a stage or check, about the root; `check` when that check's record says the same. */
  say(message: string, level?: 'warning', check?: string): void {
    const node = this.resolved?.root;
    if (node) this.emit({ type: 'notice', node, message, ...(level ? { level } : {}), ...(check ? { check } : {}) });
  }
}
