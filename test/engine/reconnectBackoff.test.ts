// The reconnect backoff of a lane (source/engine/reconnectBackoff.ts), with a fixed random source:
// the delays grow, are capped, and start afresh once the account made progress.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReconnectBackoff } from '../../source/engine/reconnectBackoff.ts';

test('delays double from the base while nothing moves, then the retries run out', () => {
  const backoff = new ReconnectBackoff({ baseMs: 100, maxRetries: 4, random: () => 1 });
  assert.deepEqual(
    [1, 2, 3, 4].map(() => backoff.failed(0)),
    [100, 200, 400, 800],
  );
  assert.equal(backoff.attempt, 4);
  assert.equal(backoff.failed(0), undefined, 'a fifth failure in a row gives up');
});

test('the jitter keeps each delay between half and all of its ceiling', () => {
  const low = new ReconnectBackoff({ baseMs: 1000, maxRetries: 5, random: () => 0 });
  const high = new ReconnectBackoff({ baseMs: 1000, maxRetries: 5, random: () => 0.999 });
  assert.deepEqual([low.failed(0), low.failed(0)], [500, 1000]);
  const [first, second] = [high.failed(0)!, high.failed(0)!];
  assert.ok(first > 999 && first < 1000);
  assert.ok(second > 1998 && second < 2000);
});

test('no delay goes above the cap', () => {
  const backoff = new ReconnectBackoff({ baseMs: 1000, maxRetries: 20, capMs: 30_000, random: () => 1 });
  const delays = Array.from({ length: 10 }, () => backoff.failed(0));
  assert.deepEqual(delays.slice(0, 6), [1000, 2000, 4000, 8000, 16_000, 30_000]);
  assert.ok(delays.every((delay) => delay! <= 30_000));
});

test('progress since the previous failure starts the count and the delays afresh', () => {
  const backoff = new ReconnectBackoff({ baseMs: 100, maxRetries: 2, random: () => 1 });
  assert.equal(backoff.failed(5), 100);
  assert.equal(backoff.failed(5), 200);
  assert.equal(backoff.failed(6), 100, 'a message copied meanwhile: attempt 1 again');
  assert.equal(backoff.attempt, 1);
  assert.equal(backoff.failed(6), 200);
  assert.equal(backoff.failed(6), undefined);
});
