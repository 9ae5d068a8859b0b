import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { discardBody, releaseBodies } from '../../source/engine/memoryRelief.ts';

const MODULE = pathToFileURL(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../source/engine/memoryRelief.ts'),
).href;

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

test('a discarded body gives its memory back at the next collection, though something still holds the Buffer', async () => {
  // In a child process with the collector at hand: the process's ArrayBuffer memory, as Node
  // counts it, with a 32 MB body held and after it was discarded (the Buffer still referenced).
  const script = `
    import { discardBody } from ${JSON.stringify(MODULE)};
    const megabytes = () => process.memoryUsage().arrayBuffers / 1024 / 1024;
    const held = [Buffer.allocUnsafeSlow(32 * 1024 * 1024).fill(1)];
    gc();
    const before = megabytes();
    const discarded = discardBody(held[0]);
    // A backing store is freed after the collection that finds it unreferenced, sometimes a
    // task later: collect a few times before reading (a body still referenced never goes).
    for (let i = 0; i < 20 && before - megabytes() < 31; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    console.log(JSON.stringify({ before, after: megabytes(), discarded, length: held[0].length }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--expose-gc',
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    script,
  ]);
  const { before, after, discarded, length } = JSON.parse(stdout);
  assert.equal(discarded, true);
  assert.equal(length, 0);
  assert.ok(before >= 32, `the body counts while held (${before} MB)`);
  assert.ok(before - after >= 31, `its 32 MB are given back (${before} → ${after} MB)`);
});
