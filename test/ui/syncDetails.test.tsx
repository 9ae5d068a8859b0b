// Sync details (docs/spec.md D1–D6): summary, controls valid in the status, stop confirm, threads,
// note, rejections, history more/less, run selector, sort, live merge, CSV export.
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { App } from '../../source/ui/App.tsx';
import type { AccountRunRecord, LiveRun } from '../../source/ui/backend.ts';
import { noticeTiming } from '../../source/ui/components/StatusLine.tsx';
import { createFakeBackend, type FakeBackend } from './fakeBackend.ts';
import { cleanup, linesOf, press, renderSized, type, waitForFrame, waitUntil, write } from './support.ts';

afterEach(cleanup);

/** The App opened on a sync's details (0: the Running one, 1: the Complete one). */
async function openDetails(backend: FakeBackend, row: 0 | 1 = 0, size = { columns: 100, rows: 40 }) {
  const app = renderSized(<App backend={backend} />, size);
  await waitForFrame(app.lastFrame, 'SyncAll');
  if (row === 1) await press(app, 'down');
  await press(app, 'open');
  await waitForFrame(app.lastFrame, (f) => f.includes('Date Created') && f.includes('ann@example.com'));
  return app;
}

const rowOf = (frame: string, user: string) => linesOf(frame).find((l) => l.includes(user)) ?? '';

test('the summary shows every field of D1', async () => {
  const app = await openDetails(createFakeBackend());
  const frame = await waitForFrame(app.lastFrame, 'Throughput');
  for (const text of [
    'Date Created  2026-11-30',
    'Start Time    2026-11-30',
    'Running Time',
    'Complete Time -',
    'Status        Running',
    'Pend|Comp|Tot 1 | 1 | 2',
    'Threads       2',
    'IMAP Server imap.old.example',
    'Port / TLS  143 / STARTTLS',
    'Sync Mode   SyncAll',
    'Dry Run     No',
    'Loop        No',
    'Loop Until  -',
  ]) {
    assert.ok(frame.includes(text), `${text} in\n${frame}`);
  }
  assert.match(frame, /Pending \| Complete \| Total Accounts: 1 \| 1 \| 2 .*50%/);
  // The sample syncs were saved without connections per user (as before it existed): the default.
  assert.ok(frame.includes('Connections   4 per user'), frame);
});

test('the summary shows the connections per user of the sync, within 80 columns', async () => {
  const backend = createFakeBackend();
  backend.syncs[1]!.connections = 6;
  const app = await openDetails(backend, 0, { columns: 80, rows: 24 });
  const frame = await waitForFrame(app.lastFrame, 'Throughput');
  assert.ok(frame.includes('Connections   6 per user'), frame);
  assert.ok(frame.includes('Threads       2'), frame);
  for (const line of linesOf(frame)) assert.ok([...line].length <= 80, `too wide: ${line}`);
  assert.ok(linesOf(frame).length <= 23, frame);
});

test('only the controls valid in the status act: p pauses a running sync, s is refused with the reason', async () => {
  const backend = createFakeBackend();
  const app = await openDetails(backend);
  await press(app, 'start');
  await waitForFrame(
    app.lastFrame,
    '✗ start does not apply to a Running sync: it is already running; here: pause, stop',
  );
  assert.ok(app.lastFrame()!.includes('Status        Running'), app.lastFrame());
  await press(app, 'pause');
  await waitForFrame(app.lastFrame, '✓ Paused.');
  await waitForFrame(app.lastFrame, 'Status        Paused');
  // Now Paused: s and p resume, R restarts (the hint bar follows the engine's table).
  await waitForFrame(app.lastFrame, (f) => {
    const hints = linesOf(f).at(-1)!;
    return hints.includes('s resume') && hints.includes('R restart') && !hints.includes('p pause');
  });
  await press(app, 'start');
  await waitForFrame(app.lastFrame, '✓ Resumed.');
  await waitForFrame(app.lastFrame, 'Status        Running');
});

test('x on a sync that never ran says there is nothing to stop', async () => {
  const backend = createFakeBackend();
  const app = await openDetails(backend);
  backend.syncs[1]!.status = 'Manual';
  backend.runs.splice(1, 1);
  await waitForFrame(app.lastFrame, 'Status        Manual');
  await press(app, 'stop');
  await waitForFrame(app.lastFrame, 'stop does not apply to a Manual sync: nothing to stop: it has never run');
  assert.ok(!app.lastFrame()!.includes('y/N'), app.lastFrame());
  assert.ok(!linesOf(app.lastFrame()!).at(-1)!.includes('x stop'), app.lastFrame());
});

test('s starts a Manual sync and R restarts a Complete one', async () => {
  const backend = createFakeBackend();
  backend.syncs[1]!.status = 'Manual';
  let app = await openDetails(backend);
  await press(app, 'start');
  await waitUntil(() => backend.calls.includes('start sync0002ccccdddd'), 'start');
  cleanup();
  app = await openDetails(backend, 1);
  await press(app, 'restart');
  await waitUntil(() => backend.calls.includes('restart sync0001aaaabbbb'), 'restart');
});

test('x asks first: Enter (No, the default) stops nothing; y stops', async () => {
  const backend = createFakeBackend();
  const app = await openDetails(backend);
  await press(app, 'stop');
  await waitForFrame(app.lastFrame, /Stop sync sync0002 \(imap\.old\.example\)\?.*y\/N/);
  await write(app, '\r');
  await waitForFrame(app.lastFrame, (f) => !f.includes('y/N'));
  await press(app, 'stop');
  await waitForFrame(app.lastFrame, 'y/N');
  await write(app, 'n');
  await waitForFrame(app.lastFrame, (f) => !f.includes('y/N'));
  assert.deepEqual(backend.calls, []);
  await press(app, 'stop');
  await waitForFrame(app.lastFrame, 'y/N');
  await press(app, 'yes');
  await waitForFrame(app.lastFrame, '✓ Stopped.');
  assert.deepEqual(backend.calls, ['stop sync0002ccccdddd']);
});

test('when the backend refuses a command its reason shows in the status line', async () => {
  const backend = createFakeBackend();
  backend.pause = async () => {
    throw new Error('sync sync0002ccccdddd is Complete: Pause applies to a running or scheduled sync');
  };
  const app = await openDetails(backend);
  await press(app, 'pause');
  await waitForFrame(
    app.lastFrame,
    '✗ sync sync0002ccccdddd is Complete: Pause applies to a running or scheduled sync',
  );
});

test('+ and - change the threads of a running sync', async () => {
  const backend = createFakeBackend();
  const app = await openDetails(backend);
  await press(app, 'threadsUp');
  await waitForFrame(app.lastFrame, 'Threads       3');
  await press(app, 'threadsDown', 'threadsDown');
  await waitForFrame(app.lastFrame, 'Threads       1');
  assert.deepEqual(backend.calls, [
    'setThreads sync0002ccccdddd 3',
    'setThreads sync0002ccccdddd 2',
    'setThreads sync0002ccccdddd 1',
  ]);
  await press(app, 'threadsDown');
  await waitForFrame(app.lastFrame, '✗ threads stay between 1 and 64');
});

test('N takes a note into the history; Esc drops it', async () => {
  const backend = createFakeBackend();
  const app = await openDetails(backend);
  await press(app, 'note');
  await waitForFrame(app.lastFrame, 'Note:');
  await type(app, 'MX switched? q');
  await press(app, 'back');
  await waitForFrame(app.lastFrame, (f) => !f.includes('Note:'));
  assert.deepEqual(backend.calls, []);
  await press(app, 'note');
  await type(app, 'MX changed at 10:00');
  await waitForFrame(app.lastFrame, 'Note: MX changed at 10:00');
  await press(app, 'open');
  const frame = await waitForFrame(app.lastFrame, /Note\s+MX changed at 10:00\s+tester/);
  assert.ok(frame.includes('History 3 of 3'));
  assert.deepEqual(backend.calls, ['addNote sync0002ccccdddd MX changed at 10:00']);
});

test('history: newest first, m shows more and l less', async () => {
  const backend = createFakeBackend();
  for (let i = 0; i < 12; i++)
    backend.history.unshift({
      syncId: 'sync0002ccccdddd',
      at: `2026-11-30T10:${String(i).padStart(2, '0')}:00.000Z`,
      type: 'Note',
      note: `note ${i}`,
      user: 'tester',
    });
  const app = await openDetails(backend);
  const frame = await waitForFrame(app.lastFrame, 'History 3 of 14');
  const notes = linesOf(frame).filter((l) => / Note /.test(l));
  assert.deepEqual(
    notes.map((l) => l.match(/note \d+/)![0]),
    ['note 11', 'note 10', 'note 9'],
  );
  await press(app, 'historyMore');
  await waitForFrame(app.lastFrame, 'History 8 of 14');
  await press(app, 'historyLess');
  await waitForFrame(app.lastFrame, 'History 3 of 14');
});

test('at 80x24, m shows more history (the account table gives room) and l less', async () => {
  const backend = createFakeBackend();
  for (let i = 0; i < 12; i++)
    backend.history.unshift({
      syncId: 'sync0002ccccdddd',
      at: `2026-11-30T10:${String(i).padStart(2, '0')}:00.000Z`,
      type: 'Note',
      note: `note ${i}`,
      user: 'tester',
    });
  const app = await openDetails(backend, 0, { columns: 80, rows: 24 });
  await waitForFrame(app.lastFrame, 'History 3 of 14');
  await press(app, 'historyMore');
  const more = await waitForFrame(app.lastFrame, /History [4-9] of 14/);
  const shown = Number(more.match(/History (\d+) of 14/)![1]);
  assert.equal(linesOf(more).filter((l) => / Note /.test(l)).length, shown, more);
  assert.ok(linesOf(more).length <= 24, more);
  await press(app, 'historyLess');
  await waitForFrame(app.lastFrame, /History [1-3] of 14/);
});

test('a confirmation clears after a few seconds; a long message wraps instead of being cut', async () => {
  noticeTiming.ms = 300;
  try {
    const backend = createFakeBackend();
    const long = `sync sync0002ccccdddd: ${'a very long reason that goes on '.repeat(4)}END`;
    backend.pause = async () => {
      throw new Error(long);
    };
    const app = await openDetails(backend, 0, { columns: 80, rows: 24 });
    await press(app, 'threadsUp');
    await waitForFrame(app.lastFrame, '✓ Threads: 3');
    await waitForFrame(app.lastFrame, (f) => !f.includes('✓ Threads'));
    await press(app, 'pause');
    const frame = await waitForFrame(app.lastFrame, 'END');
    assert.ok(frame.replace(/\s+/g, ' ').includes(long.replace(/\s+/g, ' ')), frame);
    for (const line of linesOf(frame)) assert.ok([...line].length <= 80, `too wide: ${line}`);
    await waitForFrame(app.lastFrame, (f) => !f.includes('END'));
  } finally {
    noticeTiming.ms = 6000;
  }
});

test('v shows the history whole: a note cut at 80 columns reads in full, wrapped', async () => {
  const backend = createFakeBackend();
  const note =
    'Moved MX at 15:00? quick check: the new server answers on 993 and the old one still takes mail until Friday END';
  backend.history.unshift({
    syncId: 'sync0002ccccdddd',
    at: '2026-11-30T10:00:00.000Z',
    type: 'Note',
    note,
    user: 'tester',
  });
  const app = await openDetails(backend, 0, { columns: 80, rows: 24 });
  const cut = await waitForFrame(app.lastFrame, 'Moved MX at 15:00?');
  assert.ok(!cut.includes('END'), 'the table row is cut at 80 columns');
  await press(app, 'details');
  const frame = await waitForFrame(app.lastFrame, 'END');
  assert.ok(frame.replace(/[\s│]+/g, ' ').includes(note), frame);
  for (const line of linesOf(frame)) assert.ok([...line].length <= 80, `too wide: ${line}`);
  await write(app, '\x1b');
  await waitForFrame(app.lastFrame, (f) => !f.includes('END') && f.includes('Date Created'));
});

test('the run selector lists every run; [ and ] switch the account table between them', async () => {
  const backend = createFakeBackend();
  backend.runs.splice(1, 0, {
    id: 'run0000',
    syncId: 'sync0002ccccdddd',
    startedAt: '2026-11-28T08:00:00.000Z',
    completedAt: '2026-11-28T08:30:00.000Z',
    status: 'Stopped',
  });
  const older: AccountRunRecord = {
    ...backend.accountRunsByRun.get('run0002')![0]!,
    runId: 'run0000',
    account: 'old-only@example.com',
    status: 'stopped',
  };
  backend.accountRunsByRun.set('run0000', [older]);
  const app = await openDetails(backend);
  await waitForFrame(app.lastFrame, 'run 2 of 2');
  await press(app, 'prevRun');
  let frame = await waitForFrame(app.lastFrame, 'old-only@example.com');
  assert.match(frame, /Accounts of the run started 2026-11-28 \d\d:00:00 +\(run 1 of 2/);
  assert.ok(!frame.includes('ben@example.com'));
  await press(app, 'nextRun');
  frame = await waitForFrame(app.lastFrame, 'ben@example.com');
  assert.ok(frame.includes('run 2 of 2'));
});

test('< and > choose the sort column, o reverses it', async () => {
  const backend = createFakeBackend();
  backend.accountRunsByRun.get('run0002')![1]!.counters.messages = 500;
  const app = await openDetails(backend);
  const order = (f: string) =>
    linesOf(f)
      .filter((l) => /(ann|ben)@example/.test(l))
      .map((l) => l.match(/(ann|ben)/)![0]);
  let frame = await waitForFrame(app.lastFrame, 'User▲');
  assert.deepEqual(order(frame), ['ann', 'ben']);
  await press(app, 'sortReverse');
  frame = await waitForFrame(app.lastFrame, 'User▼');
  assert.deepEqual(order(frame), ['ben', 'ann']);
  await press(app, 'sortNext');
  frame = await waitForFrame(app.lastFrame, 'Msgs▲');
  assert.deepEqual(order(frame), ['ann', 'ben']);
  await press(app, 'sortReverse');
  frame = await waitForFrame(app.lastFrame, 'Msgs▼');
  assert.deepEqual(order(frame), ['ben', 'ann']);
  await press(app, 'sortPrev');
  await waitForFrame(app.lastFrame, 'User▲');
});

test('live counters of the running run are laid over the stored ones, refreshed twice a second', async () => {
  const backend = createFakeBackend();
  let downloaded = 41;
  const live = (): LiveRun => {
    const [ann, ben] = backend.accountRunsByRun.get('run0002')!;
    return {
      syncId: 'sync0002ccccdddd',
      run: backend.runs[1]!,
      threads: 2,
      accounts: [{ ...ann!, counters: { ...ann!.counters, downloaded, bytesDownloaded: downloaded * 1000 } }, ben!],
    };
  };
  backend.liveRuns = () => [live()];
  const app = await openDetails(backend);
  await waitForFrame(app.lastFrame, (f) => /ann@example\.com\s+120\s+41 /.test(rowOf(f, 'ann@')));
  const started = Date.now();
  downloaded = 77;
  await waitForFrame(app.lastFrame, (f) => /ann@example\.com\s+120\s+77 /.test(rowOf(f, 'ann@')), 1000);
  assert.ok(Date.now() - started < 800);
  // Throughput from successive snapshots.
  for (let i = 0; i < 8; i++) {
    downloaded += 10;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await waitForFrame(app.lastFrame, /Throughput\s+\d+\.\d msg\/s \d+(\.\d)? KB\/s ETA \d\d:\d\d:\d\d/);
});

test('e shows the export path (the data dir exports/), Enter writes there and the path shows whole', async () => {
  const backend = createFakeBackend();
  const app = await openDetails(backend, 0, { columns: 80, rows: 24 });
  await press(app, 'exportCsv');
  await waitForFrame(app.lastFrame, 'Export to:');
  assert.equal(backend.calls.length, 0, 'nothing written before Enter');
  await write(app, '\r');
  const frame = await waitForFrame(app.lastFrame, '✓ Exported the run of 2026-11-30');
  const call = backend.calls.find((c) => c.startsWith('exportRunCsv'))!;
  const [, runId, file] = call.split(' ');
  assert.equal(runId, 'run0002');
  assert.equal(path.dirname(file!), '/tmp/fake/exports');
  assert.match(path.basename(file!), /^imap-migrate-sync0002ccccdddd-20261130-\d{6}\.csv$/);
  // Wrapped at 80 columns, not cut: every character of the path is on the screen.
  assert.ok(frame.replace(/\s+/g, '').includes(file!), frame);
});

test('the export path can be edited before Enter; Esc writes nothing', async () => {
  const backend = createFakeBackend();
  const app = await openDetails(backend);
  await press(app, 'exportCsv');
  await waitForFrame(app.lastFrame, 'Export to:');
  await write(app, '\x1b');
  await waitForFrame(app.lastFrame, (f) => !f.includes('Export to:'));
  await press(app, 'exportCsv');
  await waitForFrame(app.lastFrame, 'Export to:');
  await write(app, '\x15');
  await type(app, '/srv/reports/run.csv');
  await waitForFrame(app.lastFrame, '/srv/reports/run.csv');
  await write(app, '\r');
  await waitForFrame(app.lastFrame, '✓ Exported the run of');
  assert.deepEqual(backend.calls, ['exportRunCsv run0002 /srv/reports/run.csv']);
});

test('Enter opens the selected account', async () => {
  const app = await openDetails(createFakeBackend());
  await press(app, 'down', 'open');
  await waitForFrame(app.lastFrame, 'Account ben@example.com');
});
