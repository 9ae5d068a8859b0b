import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFolders } from '../../source/engine/planFolders.ts';
import type { FolderInfo } from '../../source/imap/session.ts';

function folder(path: string, extra: Partial<FolderInfo> = {}): FolderInfo {
  return { path, delimiter: '/', subscribed: true, noSelect: false, specialUseReported: false, ...extra };
}
const slash = { delimiter: '/', prefix: '' };
const dot = { delimiter: '.', prefix: '' };

test("special folders map onto the destination's special-use folders, children follow", () => {
  const plan = planFolders({
    mode: 'new',
    mapSpecialUse: true,
    source: [
      folder('INBOX'),
      folder('Sent Items', { specialUse: '\\Sent', delimiter: '.' }),
      folder('Sent Items.2024', { delimiter: '.' }),
    ],
    sourceNaming: dot,
    destination: [folder('INBOX'), folder('Sent', { specialUse: '\\Sent', specialUseReported: true })],
    destinationNaming: slash,
  });
  assert.deepEqual(
    plan.pairs.map((p) => [p.source.path, p.destPath, p.destExists]),
    [
      ['INBOX', 'INBOX', true],
      ['Sent Items', 'Sent', true],
      ['Sent Items.2024', 'Sent/2024', false],
    ],
  );
  assert.deepEqual(plan.deleteFolders, []);
});

test('mapping can be turned off, and never merges two source folders', () => {
  const off = planFolders({
    mode: 'new',
    mapSpecialUse: false,
    source: [folder('Sent Items', { specialUse: '\\Sent' })],
    sourceNaming: slash,
    destination: [folder('Sent', { specialUse: '\\Sent', specialUseReported: true })],
    destinationNaming: slash,
  });
  assert.equal(off.pairs[0].destPath, 'Sent Items');
  const both = planFolders({
    mode: 'new',
    mapSpecialUse: true,
    source: [folder('Sent'), folder('Sent Items', { specialUse: '\\Sent' })],
    sourceNaming: slash,
    destination: [folder('Sent', { specialUse: '\\Sent', specialUseReported: true })],
    destinationNaming: slash,
  });
  assert.deepEqual(
    both.pairs.map((p) => p.destPath),
    ['Sent', 'Sent Items'],
  );
});

test('Sync All deletes extra destination folders, deepest first, but not INBOX, special folders or parents', () => {
  const plan = planFolders({
    mode: 'all',
    mapSpecialUse: true,
    source: [folder('INBOX'), folder('Keep/Child')],
    sourceNaming: slash,
    destination: [
      folder('INBOX'),
      folder('Keep', { noSelect: true }),
      folder('Keep/Child'),
      folder('Old'),
      folder('Old/Deeper'),
      folder('Trash', { specialUse: '\\Trash', specialUseReported: true }),
    ],
    destinationNaming: slash,
  });
  assert.deepEqual(plan.deleteFolders, ['Old/Deeper', 'Old']);
  const notMirror = planFolders({
    ...{ mode: 'new' as const, mapSpecialUse: true },
    source: [folder('INBOX')],
    sourceNaming: slash,
    destination: [folder('INBOX'), folder('Old')],
    destinationNaming: slash,
  });
  assert.deepEqual(notMirror.deleteFolders, []);
});

test('subscriptions are carried over', () => {
  const plan = planFolders({
    mode: 'new',
    mapSpecialUse: true,
    source: [folder('A', { subscribed: true }), folder('B', { subscribed: false })],
    sourceNaming: slash,
    destination: [folder('A', { subscribed: false })],
    destinationNaming: slash,
  });
  assert.deepEqual(
    plan.pairs.map((p) => p.subscribe),
    [true, false],
  );
});
