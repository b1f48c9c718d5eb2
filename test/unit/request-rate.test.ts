import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestRate } from '../../src/targets/registry/network/request-rate.js';

describe('a request rate', () => {
  it('spaces the requests to one host evenly, the first at once', () => {
    let now = 1000;
    const rate = new RequestRate(5, () => now);
    assert.deepEqual(
      Array.from({ length: 4 }, () => rate.delay('ghcr.io')),
      [0, 200, 400, 600],
    );
    now += 1000;
    // A host left alone catches up: its next slot is now, not in the past.
    assert.equal(rate.delay('ghcr.io'), 0);
    assert.equal(rate.delay('ghcr.io'), 200);
  });

  it('keeps one schedule per host', () => {
    const now = 0;
    const rate = new RequestRate(2, () => now);
    assert.equal(rate.delay('a.example'), 0);
    assert.equal(rate.delay('a.example'), 500);
    assert.equal(rate.delay('b.example'), 0);
    assert.equal(rate.delay('a.example:5000'), 0);
  });

  it('refuses a rate that is no rate', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => new RequestRate(bad), /positive number/);
  });
});
