// Copy records written in batches (source/engine/checkpoint.ts): what the store holds after a
// count, after time passed, and after the final flush.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Checkpoint, CHECKPOINT_MESSAGES, CHECKPOINT_MS } from '../../source/engine/checkpoint.ts';
import type { CopyStateStore } from '../../source/engine/ports.ts';

function recordingStore(): { store: CopyStateStore; held: Map<number, number> } {
  const held = new Map<number, number>();
  const store = {
    async record(_pairKey: string, _folder: string, copies: [number, number][]) {
      for (const [source, dest] of copies) held.set(source, dest);
    },
  } as unknown as CopyStateStore;
  return { store, held };
}

test('copies reach the store every CHECKPOINT_MESSAGES, and the rest at the flush', async () => {
  const { store, held } = recordingStore();
  const checkpoint = new Checkpoint(store, 'pair', 'INBOX', () => 0);
  for (let uid = 1; uid < CHECKPOINT_MESSAGES; uid++) await checkpoint.add(uid, uid + 1000);
  assert.equal(held.size, 0, 'below the count nothing is written yet');
  await checkpoint.add(CHECKPOINT_MESSAGES, 1);
  assert.equal(held.size, CHECKPOINT_MESSAGES);
  await checkpoint.add(999, 0);
  assert.equal(held.has(999), false);
  await checkpoint.flush();
  assert.equal(held.get(999), 0);
  await checkpoint.flush();
  assert.equal(held.size, CHECKPOINT_MESSAGES + 1, 'an empty flush writes nothing more');
});

test('copies reach the store once CHECKPOINT_MS passed since the last write', async () => {
  const { store, held } = recordingStore();
  let now = 0;
  const checkpoint = new Checkpoint(store, 'pair', 'INBOX', () => now);
  await checkpoint.add(1, 11);
  assert.equal(held.size, 0);
  now = CHECKPOINT_MS + 1;
  await checkpoint.add(2, 12);
  assert.deepEqual(
    [...held],
    [
      [1, 11],
      [2, 12],
    ],
  );
});
