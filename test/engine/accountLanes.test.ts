// How many lanes a piece of an account's work is worth (source/engine/accountLanes.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedCopies, lanesWanted } from '../../source/engine/accountLanes.ts';
import type { FolderPair } from '../../source/engine/planFolders.ts';

test('on a fast link, one lane per 200 messages to copy, within the budget and the folder count', () => {
  assert.equal(lanesWanted(10, 0, 4, false), 1, 'always one');
  assert.equal(lanesWanted(10, 201, 4, false), 2);
  assert.equal(lanesWanted(10, 10_000, 4, false), 4, 'the account budget');
  assert.equal(lanesWanted(2, 10_000, 4, false), 2, 'no more lanes than folders');
});

test('on a slow link, a lane per folder within the budget, whatever is to copy', () => {
  assert.equal(lanesWanted(3, 0, 4, true), 3);
  assert.equal(lanesWanted(9, 0, 4, true), 4);
});

test('expected copies come from the listing counters; unknown without them', () => {
  const base = { source: { path: 'A', delimiter: '/', specialUseReported: false, subscribed: false, noSelect: false } };
  const counts = (messages: number) => ({ uidValidity: '1', uidNext: messages + 1, messages });
  const pair = (extra: Partial<FolderPair>): FolderPair =>
    ({ ...base, destPath: 'A', destExists: true, subscribe: false, ...extra }) as FolderPair;
  assert.equal(expectedCopies(pair({ source: { ...base.source, counts: counts(50) }, destCounts: counts(20) })), 30);
  assert.equal(expectedCopies(pair({ source: { ...base.source, counts: counts(50) }, destExists: false })), 50);
  assert.equal(expectedCopies(pair({})), Number.POSITIVE_INFINITY);
  assert.equal(expectedCopies(pair({ source: { ...base.source, noSelect: true } })), 0);
});
