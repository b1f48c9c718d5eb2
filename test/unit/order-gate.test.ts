import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrderGate } from '../../src/job/features/pull-budget/order-gate.js';
import { parseReference } from '../../src/oci/reference.js';
import type { PlanItem } from '../../src/plan/plan.js';

const items: PlanItem[] = ['a', 'b', 'c', 'd'].map((t) => ({
  entry: 1,
  source: parseReference(`example.com/src:${t}`),
  destination: parseReference(`example.com/dst:${t}`),
}));

describe('an order gate', () => {
  it('lets items through in the plan order, whatever order they arrive in', async () => {
    const gate = new OrderGate(items);
    const through: string[] = [];
    const arrive = (i: number) =>
      gate.turn(items[i]).then(() => {
        through.push(items[i].source.tags[0]);
        gate.pass(items[i]);
      });
    const late = [arrive(3), arrive(2), arrive(1)];
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(through, [], 'nothing passes before the first item');
    await arrive(0);
    await Promise.all(late);
    assert.deepEqual(through, ['a', 'b', 'c', 'd']);
  });

  it('lets later items go when an earlier one never reaches the point, and knows no stranger', async () => {
    const gate = new OrderGate(items);
    gate.pass(items[0]);
    gate.pass(items[0]);
    const waiting = gate.turn(items[2]);
    let done = false;
    void waiting.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(done, false);
    gate.pass(items[1]);
    await waiting;
    await gate.turn({ ...items[3] });
  });
});
