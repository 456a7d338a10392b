import { it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, retryDelayMs } from '../../src/node/backoff.js';

it('waits 125–250 ms after one failure, doubles after each further one, and never more than a minute', () => {
  assert.equal(retryDelayMs(1, () => 0), BACKOFF_BASE_MS / 2);
  assert.equal(retryDelayMs(1, () => 1), BACKOFF_BASE_MS);
  assert.equal(retryDelayMs(3, () => 1), BACKOFF_BASE_MS * 4);
  fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempts, r) => {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempts - 1, 30));
    const delay = retryDelayMs(attempts, () => r);
    return delay >= ceiling / 2 && delay <= ceiling && delay <= BACKOFF_MAX_MS;
  }));
});
