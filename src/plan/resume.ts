import { itemKey, type PlanItem } from './plan.js';

/**
 * The items with those a pull budget left last time first (in the order they were left), then the
 * rest in the list's order: a mirror larger than one pull window converges over several runs
 * instead of starting over with the same images each time. `pending` holds `itemKey` names.
 */
export function pendingFirst(items: readonly PlanItem[], pending: Iterable<string>): PlanItem[] {
  const rank = new Map<string, number>();
  for (const key of pending) if (!rank.has(key)) rank.set(key, rank.size);
  if (!rank.size) return [...items];
  const first: { item: PlanItem; rank: number }[] = [];
  const rest: PlanItem[] = [];
  for (const item of items) {
    const r = rank.get(itemKey(item));
    if (r === undefined) rest.push(item);
    else first.push({ item, rank: r });
  }
  return [...first.sort((a, b) => a.rank - b.rank).map((f) => f.item), ...rest];
}

/** The names to keep for the next run: the items not attempted, in their order. */
export function pendingKeys(items: Iterable<PlanItem>): string[] {
  return [...items].map(itemKey);
}
