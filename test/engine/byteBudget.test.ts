// The byte budget (source/engine/byteBudget.ts): shares within the limit, first come first served,
// a body bigger than the budget alone, and every share asked for heard by the runtime hook.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ByteBudget } from '../../source/engine/byteBudget.ts';

test('shares wait for room, in order; one bigger than the budget takes all of it', async () => {
  const heard: number[] = [];
  const budget = new ByteBudget(100, (bytes) => heard.push(bytes));
  const releaseA = await budget.acquire(60);
  let bGranted = false;
  const b = budget.acquire(50).then((release) => ((bGranted = true), release));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(bGranted, false, '60 + 50 is over the limit');
  releaseA();
  releaseA();
  const releaseB = await b;
  assert.equal(budget.inUse, 50, 'a second release gives nothing back twice');
  releaseB();
  const releaseBig = await budget.acquire(500);
  assert.equal(budget.inUse, 100);
  releaseBig();
  assert.equal(budget.inUse, 0);
  assert.deepEqual(heard, [60, 50, 500]);
});
