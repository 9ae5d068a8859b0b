// The UI's pure parts: keymap matching, live merge, sorting, progress, throughput, wrapping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Key } from 'ink';
import { mergeLive, progressOf, sortAccounts } from '../../source/ui/accounts.ts';
import type { AccountRunRecord } from '../../source/ui/backend.ts';
import { fitHints } from '../../source/ui/components/HintBar.tsx';
import { scrollBy } from '../../source/ui/components/LogPane.tsx';
import { formatDuration } from '../../source/ui/format.ts';
import { keymap, keySequence, matches, type Command } from '../../source/ui/keymap.ts';
import { color, fit, wordWrap } from '../../source/ui/layout.ts';
import { NO_KEY } from '../../source/ui/router.tsx';
import { addSample } from '../../source/ui/throughput.ts';
import { zeroCounters } from '../../source/engine/types.ts';

const key = (over: Partial<Key> = {}): Key => ({ ...NO_KEY, ...over });
const record = (
  account: string,
  status: AccountRunRecord['status'],
  messages = 0,
  downloaded = 0,
): AccountRunRecord => ({
  runId: 'r1',
  syncId: 's',
  account,
  status,
  planned: false,
  counters: { ...zeroCounters(), messages, downloaded },
  errors: [],
  log: [],
});

test('matches: characters, named keys, Ctrl+C; Escape (which also sets meta) is back', () => {
  assert.ok(matches('pause', 'p', key()));
  assert.ok(!matches('pause', 'p', key({ ctrl: true })));
  assert.ok(matches('quit', 'c', key({ ctrl: true })));
  assert.ok(matches('back', '', key({ escape: true, meta: true })));
  assert.ok(matches('down', '', key({ downArrow: true })) && matches('down', 'j', key()));
  assert.ok(matches('restart', 'R', key({ shift: true })));
  // Every command has a key sequence tests can press.
  for (const command of Object.keys(keymap) as Command[]) assert.ok(keySequence(command).length > 0, command);
});

test('mergeLive lays the live records of the same run over the stored ones', () => {
  const stored = [record('a', 'running', 10, 1), record('b', 'complete', 5, 5)];
  const live = [
    {
      syncId: 's',
      run: { id: 'r1', syncId: 's', startedAt: '', status: 'Running' as const },
      threads: 1,
      accounts: [record('a', 'running', 10, 7), record('c', 'pending')],
    },
  ];
  assert.deepEqual(
    mergeLive(stored, live, 'r1').map((r) => [r.account, r.counters.downloaded]),
    [
      ['a', 7],
      ['b', 5],
      ['c', 0],
    ],
  );
  assert.equal(mergeLive(stored, live, 'other'), stored);
});

test('sortAccounts by a field, either way, ties by user; progress counts failed as ended', () => {
  const rows = [record('b', 'running', 3), record('a', 'complete', 3), record('c', 'failed', 9)];
  assert.deepEqual(
    sortAccounts(rows, { field: 'messages', descending: false }).map((r) => r.account),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(
    sortAccounts(rows, { field: 'messages', descending: true }).map((r) => r.account),
    ['c', 'a', 'b'],
  );
  assert.deepEqual(progressOf(rows, 4), { pending: 2, complete: 2, total: 4, percent: 50 });
});

test('throughput over a sliding window, and an ETA from what is left', () => {
  const samples: { at: number; messages: number; bytes: number }[] = [];
  assert.equal(addSample(samples, { at: 0, messages: 0, bytes: 0 }, 100), undefined);
  const rate = addSample(samples, { at: 2000, messages: 20, bytes: 2_000_000 }, 100)!;
  assert.equal(rate.messagesPerSecond, 10);
  assert.equal(rate.bytesPerSecond, 1_000_000);
  assert.equal(rate.etaMs, 10_000);
  // Old samples leave the window.
  addSample(samples, { at: 30_000, messages: 20, bytes: 2_000_000 }, 100, 15_000);
  const stalled = addSample(samples, { at: 31_000, messages: 20, bytes: 2_000_000 }, 100, 15_000)!;
  assert.equal(stalled.messagesPerSecond, 0);
  assert.equal(stalled.etaMs, undefined);
  assert.equal(formatDuration(3_723_000), '01:02:03');
});

test('hints that do not fit are left out whole; pinned keys stay', () => {
  const keys = [
    { keys: 's', description: 'start' },
    { keys: 'p', description: 'pause' },
    { keys: 'x', description: 'stop' },
  ];
  assert.deepEqual(
    fitHints(keys, [{ keys: '?', description: 'help' }], 24).map((k) => k.keys),
    ['s', 'p', '?'],
  );
});

test('wrapping, fitting, scrolling, NO_COLOR', () => {
  assert.deepEqual(wordWrap('one two three four', 9), ['one two', 'three', 'four']);
  assert.deepEqual(wordWrap('abcdefghijkl', 8, '  '), ['abcdefgh', '  ijkl']);
  assert.equal(fit('imap.example.com', 8), 'imap.ex…');
  assert.equal(fit('7', 3, 'right'), '  7');
  assert.equal(scrollBy('k', key(), 'end', 30, 10), 19);
  assert.equal(scrollBy('G', key({ shift: true }), 3, 30, 10), 'end');
  assert.equal(scrollBy('x', key(), 3, 30, 10), undefined);
  const saved = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  assert.equal(color('error'), undefined);
  if (saved === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = saved;
  assert.equal(color('error'), process.env.NO_COLOR ? undefined : 'red');
});
