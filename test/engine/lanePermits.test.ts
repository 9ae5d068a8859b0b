// The process-wide count of connection pairs: an account's first lane is always granted,
// further ones only under the fast-link limit, and always over a slow link.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LanePermits } from '../../source/engine/lanePermits.ts';

test('further lanes stop at the fast-link limit, but not over a slow link', () => {
  const permits = new LanePermits(4);
  for (let account = 0; account < 4; account++) permits.take();
  assert.equal(permits.tryTake(false), false, 'four accounts already keep the process busy');
  assert.equal(permits.tryTake(true), true, 'a slow link may open more');
  assert.equal(permits.inUse, 5);
  permits.give(2);
  assert.equal(permits.tryTake(false), true, 'a pair given back makes room');
  permits.take();
  assert.equal(permits.inUse, 5, 'first lanes are granted over the limit');
  permits.give(99);
  assert.equal(permits.inUse, 0);
});
