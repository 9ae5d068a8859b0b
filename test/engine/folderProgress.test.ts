// A retry's new plan (source/engine/folderContext.ts pairAfterProgress): from fresh counters, and
// not creating or subscribing again what the executor already did; the plan it came from is left
// as it was (the executor never edits a plan).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairAfterProgress } from '../../source/engine/folderContext.ts';
import type { FolderPair } from '../../source/engine/planFolders.ts';

const counts = { uidValidity: '1', uidNext: 5, messages: 4, highestModseq: '9' };
const pair = (destExists: boolean, subscribe: boolean): FolderPair => ({
  source: { path: 'Work', delimiter: '/', specialUseReported: false, subscribed: true, noSelect: false, counts },
  destPath: 'Work',
  destExists,
  subscribe,
  destCounts: destExists ? counts : undefined,
});

test('a folder created before the connection dropped is planned as existing, with no subscribe left', () => {
  const original = Object.freeze(pair(false, true));
  const again = pairAfterProgress(original, { created: true, subscribed: false });
  assert.equal(again.destExists, true);
  assert.equal(again.subscribe, false);
  assert.equal(again.source.counts, undefined, 'the listing counters are stale by now');
  assert.equal(again.destCounts, undefined);
  assert.equal(original.destExists, false, 'the original plan is unchanged');
});

test('a subscribe done is not done again; one not done yet still is', () => {
  assert.equal(pairAfterProgress(pair(true, true), { created: false, subscribed: true }).subscribe, false);
  assert.equal(pairAfterProgress(pair(true, true), { created: false, subscribed: false }).subscribe, true);
  assert.equal(pairAfterProgress(pair(false, false), { created: false, subscribed: false }).destExists, false);
});
