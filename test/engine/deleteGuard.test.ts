// The deletion guard of Sync All (source/engine/deleteGuard.ts): the share of the destination a
// pass would delete, counting deleted folders, against the allowed percentage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDeleteGuard, describeRefusal } from '../../source/engine/deleteGuard.ts';
import type { FolderMessagePlan } from '../../source/engine/planMessages.ts';

const plan = (deleteAbsent: number, deleteDuplicates = 0): FolderMessagePlan => ({
  copy: [],
  adopt: [],
  flagUpdates: [],
  deleteAbsent: Array.from({ length: deleteAbsent }, (_, i) => i + 1),
  deleteDuplicates: Array.from({ length: deleteDuplicates }, (_, i) => i + 1000),
  forget: [],
});

test('deletions within the allowed share pass; beyond it the pass is refused', () => {
  const planned = [
    { destCount: 60, plan: plan(5) },
    { destCount: 40, plan: plan(3, 2) },
  ];
  assert.deepEqual(checkDeleteGuard(planned, [], 10), { toDelete: 10, destTotal: 100, refused: false });
  assert.deepEqual(checkDeleteGuard(planned, [], 9), { toDelete: 10, destTotal: 100, refused: true });
});

test('the messages of folders to delete count on both sides of the share', () => {
  const verdict = checkDeleteGuard([{ destCount: 90, plan: plan(0) }], [10, 5], 10);
  assert.deepEqual(verdict, { toDelete: 15, destTotal: 105, refused: true });
  assert.match(describeRefusal(verdict, 10), /would delete 15 of the 105 destination messages \(more than 10 %\)/);
});

test('nothing to delete never trips the guard, even on an empty destination or at 0 %', () => {
  assert.equal(checkDeleteGuard([{ destCount: 0, plan: plan(0) }], [], 0).refused, false);
  assert.equal(checkDeleteGuard([], [0], 0).refused, false);
});
