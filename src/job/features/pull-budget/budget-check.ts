import { isIndex } from '../../../oci/media-types.js';
import type { PlanItem } from '../../../plan/plan.js';
import type { CheckRecord, ImageCheck, ImageCheckContext } from '../../checks/check.js';
import { OciCopyError } from '../../../oci/errors.js';
import type { OrderGate } from './order-gate.js';
import type { PullBudget, PullTicket } from './pull-budget.js';

/** An image the pull budget leaves for the next run: not a failure, a decision (`deferred`). */
export class ImageDeferred extends OciCopyError {
  override name = 'ImageDeferred';
  constructor(
    message: string,
    /** The check that deferred it. */
    readonly check: string,
  ) {
    super(message);
  }
}

/**
 * The pull budget in the check slot: an image that differs asks the budget for its pulls on the
 * source registry before any byte moves; one not admitted is deferred. Its ticket is held until
 * the image is done (`release`), so the copies in flight count against the budget.
 */
export class PullBudgetCheck implements ImageCheck {
  readonly name = 'pull-budget';
  private readonly tickets = new Map<PlanItem, PullTicket>();

  constructor(
    private readonly budget: PullBudget,
    /** Admits images in the order of the plan (what was left last time first), however many are compared at once. */
    private readonly gate?: OrderGate,
  ) {}

  async run(ctx: ImageCheckContext): Promise<CheckRecord | void> {
    const source = ctx.item.source;
    // Only a registry counts pulls; an unchanged image pulls nothing.
    if (source.transport !== 'registry' || ctx.state === 'unchanged') return;
    await this.gate?.turn(ctx.item);
    const pulls = pullsOf(ctx);
    const ticket = this.budget.admit(source.registry, pulls);
    if (!ticket) throw new ImageDeferred(`left for the next run: ${this.budget.stopReason(source.registry)}`, this.name);
    this.tickets.set(ctx.item, ticket);
    return { registry: source.registry, pulls };
  }

  /** The image is done (copied, failed or refused later): its pulls no longer count as in flight. */
  release(item: PlanItem): void {
    this.tickets.get(item)?.done();
    this.tickets.delete(item);
  }
}

/**
 * The manifest GETs a copy makes on the source: one for an image; for an index, one more per
 * platform taken (when the platforms are not known before the copy reads the index: two).
 */
function pullsOf(ctx: ImageCheckContext): number {
  const root = ctx.resolved.root;
  if (!isIndex(root.mediaType)) return 1;
  return 1 + (ctx.resolved.platforms?.length ?? 1);
}
