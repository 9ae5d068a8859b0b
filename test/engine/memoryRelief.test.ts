import assert from 'node:assert/strict';
import { test } from 'node:test';
import { discardBody, keepHeapGrowthLow, releaseBodies } from '../../source/engine/memoryRelief.ts';

test('a body that owns its memory is emptied: its bytes move to a buffer nothing references', () => {
  const body = Buffer.allocUnsafe(64 * 1024).fill(7);
  const view = body.subarray(0, 10);
  assert.equal(discardBody(body), true);
  assert.equal(body.length, 0);
  assert.equal(body.buffer.byteLength, 0);
  assert.equal(view.length, 0, 'every view of the same memory is emptied');
  assert.equal(discardBody(body), false, 'nothing left to discard');
});

test('small pooled Buffers and views into a larger buffer are left as they are', () => {
  const pooled = Buffer.from('Subject: hi\r\n\r\nbody');
  const neighbour = Buffer.from('another small buffer of the same pool');
  assert.equal(discardBody(pooled), false);
  assert.equal(pooled.toString(), 'Subject: hi\r\n\r\nbody');
  assert.equal(neighbour.toString(), 'another small buffer of the same pool');
  const large = Buffer.alloc(100_000, 1);
  const slice = large.subarray(10, 5000);
  assert.equal(discardBody(slice), false);
  assert.equal(slice.length, 4990);
  assert.equal(large.length, 100_000);
  assert.equal(discardBody(Buffer.alloc(0)), false);
});

test('releaseBodies discards each body and empties the list', () => {
  const items = [{ body: Buffer.allocUnsafe(10_000) }, { body: Buffer.from('tiny') }];
  const [first, second] = items;
  releaseBodies(items);
  assert.equal(items.length, 0);
  assert.equal(first.body.length, 0);
  assert.equal(second.body.toString(), 'tiny');
});

test('the heap growth setting can be asked for any number of times', () => {
  keepHeapGrowthLow();
  keepHeapGrowthLow();
});
