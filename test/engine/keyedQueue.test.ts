// Tasks under one key one after another, in order; other keys at once (source/engine/keyedQueue.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedQueue } from '../../source/engine/keyedQueue.ts';

test('the same key runs in order, one at a time; a waiting task is told so; other keys do not wait', async () => {
  const queue = new KeyedQueue();
  const events: string[] = [];
  let releaseFirst!: () => void;
  const gate = new Promise<void>((resolve) => (releaseFirst = resolve));
  const first = queue.run('a', async () => {
    events.push('a1 start');
    await gate;
    events.push('a1 end');
    return 1;
  });
  const second = queue.run(
    'a',
    async () => {
      events.push('a2');
      return 2;
    },
    () => events.push('a2 waits'),
  );
  const other = queue.run('b', async () => {
    events.push('b');
    return 3;
  });
  assert.equal(await other, 3);
  assert.deepEqual(events, ['a1 start', 'a2 waits', 'b']);
  releaseFirst();
  assert.deepEqual(await Promise.all([first, second]), [1, 2]);
  assert.deepEqual(events, ['a1 start', 'a2 waits', 'b', 'a1 end', 'a2']);
});

test('a failed task does not block the next one under its key', async () => {
  const queue = new KeyedQueue();
  await assert.rejects(
    queue.run('k', async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await queue.run('k', async () => 'next'), 'next');
});
