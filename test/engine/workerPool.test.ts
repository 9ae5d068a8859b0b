import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerPool } from '../../source/engine/workerPool.ts';

test('the pool runs at most its limit, and a raised limit starts waiting tasks at once', async () => {
  const pool = new WorkerPool(1);
  let running = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const task = () =>
    pool.run(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
    });
  const all = Promise.all([task(), task(), task(), task()]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(running, 1);
  pool.setLimit(3);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(running, 3);
  pool.setLimit(1);
  releases.shift()!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(running, 2, 'a lower limit starts nothing new while over it');
  while (releases.length > 0) {
    releases.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await all;
  assert.equal(peak, 3);
});
