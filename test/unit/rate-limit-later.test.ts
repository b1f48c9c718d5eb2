// Pull-limit reports of requests in flight together arrive in any order: the lower count is the
// later one. Reports further apart: the newer one (a rolling window gives pulls back).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { laterRateLimit } from '../../src/targets/registry/client.js';

describe('laterRateLimit', () => {
  const at = 1_000_000;
  it('takes the lower count of answers that came together, whichever came last', () => {
    assert.equal(laterRateLimit({ remaining: 76, at }, { remaining: 78, at: at + 40 }).remaining, 76);
    assert.equal(laterRateLimit({ remaining: 78, at }, { remaining: 76, at: at + 40 }).remaining, 76);
  });
  it('takes the newer count of answers further apart, even when it is higher', () => {
    assert.equal(laterRateLimit({ remaining: 10, at }, { remaining: 40, at: at + 60_000 }).remaining, 40);
    assert.equal(laterRateLimit({ remaining: 40, at: at + 60_000 }, { remaining: 10, at }).remaining, 40);
  });
  it('takes whichever there is', () => {
    assert.equal(laterRateLimit(undefined, { remaining: 5, at }).remaining, 5);
    assert.equal(laterRateLimit({ remaining: 5, at }, undefined)?.remaining, 5);
    assert.equal(laterRateLimit(undefined, undefined), undefined);
  });
});
