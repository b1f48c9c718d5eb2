import type { PlanItem } from '../../../plan/plan.js';

/**
 * Lets items through one point in the order of the plan, while everything before and after that
 * point runs side by side: `turn(item)` resolves once every earlier item has `pass`ed. The pull
 * budget admits images this way, so the images a budget left last time (put first) get the pulls
 * first even when several images are compared at once. Items are taken up in plan order, so the
 * earliest that has not passed is always on its way, and the gate never stalls.
 */
export class OrderGate {
  private readonly position: Map<PlanItem, number>;
  private readonly passed: boolean[];
  /** The earliest item that has not passed. */
  private next = 0;
  private readonly waiting = new Map<number, Array<() => void>>();

  constructor(items: readonly PlanItem[]) {
    this.position = new Map(items.map((item, i) => [item, i]));
    this.passed = items.map(() => false);
  }

  /** Resolves once every item before `item` has passed (at once for an item the gate does not know). */
  turn(item: PlanItem): Promise<void> {
    const at = this.position.get(item);
    if (at === undefined || at <= this.next) return Promise.resolve();
    return new Promise((resolve) => this.waiting.set(at, [...(this.waiting.get(at) ?? []), resolve]));
  }

  /** `item` is past the point (or will never reach it): later items may go. */
  pass(item: PlanItem): void {
    const at = this.position.get(item);
    if (at === undefined || this.passed[at]) return;
    this.passed[at] = true;
    while (this.next < this.passed.length && this.passed[this.next]) this.next++;
    for (const [i, resolvers] of this.waiting) {
      if (i > this.next) continue;
      this.waiting.delete(i);
      for (const resolve of resolvers) resolve();
    }
  }
}
