import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlobLedger } from '../../src/copy/blob-ledger.js';

describe('the blob ledger of a run', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  it('has a second copy wait for the first upload, then mount from its repository', async () => {
    const ledger = new BlobLedger();
    const first = await ledger.claim('r.example.com', 'a', digest);
    assert.equal(first.kind, 'first');
    const second = ledger.claim('r.example.com', 'b', digest);
    if (first.kind === 'first') first.settle(true);
    assert.deepEqual({ ...(await second), settle: undefined }, { kind: 'mount', from: 'a', settle: undefined });
  });
  it("lets a copy that ends stop waiting for another copy's upload at once", async () => {
    const ledger = new BlobLedger();
    const first = await ledger.claim('r.example.com', 'a', digest);
    const stop = new AbortController();
    const waiting = ledger.claim('r.example.com', 'a', digest, stop.signal);
    stop.abort(new Error('the copy failed elsewhere'));
    await assert.rejects(waiting, /the copy failed elsewhere/);
    // The upload under way is not disturbed: once settled, the repository has the blob.
    if (first.kind === 'first') first.settle(true);
    assert.equal((await ledger.claim('r.example.com', 'a', digest)).kind, 'present');
  });
});
