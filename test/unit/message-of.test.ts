// The one line an error becomes: never a throw of its own, whatever was thrown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageOf } from '../../src/oci/errors.js';

describe('messageOf', () => {
  it('gives the message, its cause and its code on one line', () => {
    const err = Object.assign(new Error('fetch failed', { cause: new Error('connect ECONNREFUSED\n127.0.0.1:1') }), {});
    assert.equal(messageOf(err), 'fetch failed: connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(messageOf(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 'socket hang up (ECONNRESET)');
    assert.equal(messageOf('plain text'), 'plain text');
    assert.equal(messageOf({ status: 500 }), '{"status":500}');
  });

  it('does not throw for an error whose message is not text, whose getter throws, or that cannot be serialised', () => {
    const notText = new Error('x');
    Object.defineProperty(notText, 'message', { value: { detail: 'an object' } });
    assert.equal(messageOf(notText), 'Error');
    const getter = new TypeError('x');
    Object.defineProperty(getter, 'message', {
      get() {
        throw new Error('no message for you');
      },
    });
    assert.equal(messageOf(getter), 'TypeError');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.equal(messageOf(circular), '[object Object]');
  });
});
