import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  identitiesNeeded,
  planFolderMessages,
  storableFlags,
  type FolderMessageInput,
} from '../../source/engine/planMessages.ts';
import type { MessageSummary } from '../../source/imap/session.ts';

const m = (uid: number, flags: string[] = [], size = 100): MessageSummary => ({
  uid,
  flags,
  size,
  internalDate: 1_700_000_000_000 + uid,
});
const anyFlags = { anyKeyword: true, permanentFlags: null };

function input(partial: Partial<FolderMessageInput>): FolderMessageInput {
  return { mode: 'new', source: [], destination: [], recorded: new Map(), flagPolicy: anyFlags, ...partial };
}

test('recorded copies are not copied again; new messages are', () => {
  const plan = planFolderMessages(
    input({ source: [m(1), m(2), m(3)], destination: [m(10)], recorded: new Map([[1, 10]]) }),
  );
  assert.deepEqual(
    plan.copy.map((x) => x.uid),
    [2, 3],
  );
});

test('New Messages never re-copies a message whose copy was deleted, Sync All does', () => {
  const base = { source: [m(1)], destination: [], recorded: new Map([[1, 10]]) };
  assert.deepEqual(planFolderMessages(input({ ...base, mode: 'new' })).copy, []);
  assert.deepEqual(planFolderMessages(input({ ...base, mode: 'flags-new' })).copy, []);
  assert.deepEqual(
    planFolderMessages(input({ ...base, mode: 'all' })).copy.map((x) => x.uid),
    [1],
  );
});

test('flags follow the source in flags-new and all, never in new', () => {
  const base = { source: [m(1, ['\\Seen', 'urgent'])], destination: [m(10, [])], recorded: new Map([[1, 10]]) };
  assert.deepEqual(planFolderMessages(input({ ...base, mode: 'flags-new' })).flagUpdates, [
    { flags: ['\\Seen', 'urgent'], destUids: [10] },
  ]);
  assert.deepEqual(planFolderMessages(input({ ...base, mode: 'new' })).flagUpdates, []);
  const limited = planFolderMessages(
    input({ ...base, mode: 'all', flagPolicy: { anyKeyword: false, permanentFlags: ['\\Seen'] } }),
  );
  assert.deepEqual(limited.flagUpdates, [{ flags: ['\\Seen'], destUids: [10] }]);
});

test('unrecorded copies are matched by identity as a multiset; extras are duplicates in Sync All', () => {
  const source = [m(1), m(2), m(3)];
  const destination = [m(10), m(11), m(12), m(13)];
  const sourceIdentity = new Map([
    [1, 'A'],
    [2, 'A'],
    [3, 'B'],
  ]);
  const destinationIdentity = new Map([
    [10, 'A'],
    [11, 'A'],
    [12, 'A'],
    [13, 'C'],
  ]);
  const needed = identitiesNeeded(input({ mode: 'all', source, destination }));
  assert.deepEqual(needed, { source: [1, 2, 3], destination: [10, 11, 12, 13] });
  const plan = planFolderMessages(input({ mode: 'all', source, destination, sourceIdentity, destinationIdentity }));
  assert.deepEqual(plan.adopt, [
    [1, 10],
    [2, 11],
  ]);
  assert.deepEqual(
    plan.copy.map((x) => x.uid),
    [3],
  );
  assert.deepEqual(plan.deleteDuplicates, [12]);
  assert.deepEqual(plan.deleteAbsent, [13]);
  const keep = planFolderMessages(
    input({ mode: 'flags-new', source, destination, sourceIdentity, destinationIdentity }),
  );
  assert.deepEqual([keep.deleteAbsent, keep.deleteDuplicates], [[], []]);
});

test('a message deleted on the source is deleted by Sync All and forgotten', () => {
  const plan = planFolderMessages(
    input({
      mode: 'all',
      source: [m(2)],
      destination: [m(10), m(11)],
      recorded: new Map([
        [1, 10],
        [2, 11],
      ]),
      sourceIdentity: new Map([[2, 'B']]),
      destinationIdentity: new Map([[10, 'A']]),
    }),
  );
  assert.deepEqual(plan.forget, [1]);
  assert.deepEqual(plan.deleteAbsent, [10]);
});

test('no identity is fetched when the record explains everything', () => {
  assert.deepEqual(
    identitiesNeeded(input({ mode: 'all', source: [m(1)], destination: [m(10)], recorded: new Map([[1, 10]]) })),
    { source: [], destination: [] },
  );
});

test('storable flags drop \\Recent and keywords the destination cannot keep', () => {
  assert.deepEqual(
    storableFlags(['\\Recent', '\\Seen', '$Label1', '\\Deleted'], { anyKeyword: false, permanentFlags: ['\\Seen'] }),
    ['\\Deleted', '\\Seen'],
  );
});
