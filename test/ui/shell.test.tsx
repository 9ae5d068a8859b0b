// The shell: screen stack, Esc back, `?` help, quit (asking first while syncs run), the
// hint bar, and a layout that fits 80x24.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { App, quitQuestion, settingsOf } from '../../source/ui/App.tsx';
import type { LiveRun } from '../../source/ui/backend.ts';
import { createFakeBackend } from './fakeBackend.ts';
import { cleanup, linesOf, press, renderSized, waitForFrame, write } from './support.ts';

afterEach(cleanup);

const liveRun = (backend: ReturnType<typeof createFakeBackend>): LiveRun => ({
  syncId: 'sync0002ccccdddd',
  run: backend.runs[1]!,
  threads: 2,
  accounts: backend.accountRunsByRun.get('run0002')!,
});

test('the list opens details, details open an account, Esc goes back one screen at a time', async () => {
  const app = renderSized(<App backend={createFakeBackend()} />);
  await waitForFrame(app.lastFrame, 'SyncAll');
  await press(app, 'open');
  await waitForFrame(app.lastFrame, (f) => f.includes('Date Created') && f.includes('ann@example.com'));
  await press(app, 'open');
  await waitForFrame(app.lastFrame, 'Error Log');
  await press(app, 'back');
  await waitForFrame(app.lastFrame, 'Date Created');
  await press(app, 'back');
  const list = await waitForFrame(app.lastFrame, (f) => f.includes('IMAP Syncs') && f.includes('SyncAll'));
  // The selection survived the trip (the list stayed mounted under the stack).
  assert.match(list, /› sync0002 11-30 09:00/);
  app.unmount();
});

test('? shows every key of the screen grouped by category; Esc closes it', async () => {
  const app = renderSized(<App backend={createFakeBackend()} />, { columns: 100, rows: 40 });
  await waitForFrame(app.lastFrame, 'SyncAll');
  await press(app, 'help');
  const help = await waitForFrame(app.lastFrame, 'Help: Syncs');
  for (const text of ['Actions', 'Move', 'General', 'new sync', 'recreate', 'filter', 'PgDn', 'quit'])
    assert.ok(help.includes(text), `${text} in\n${help}`);
  await press(app, 'back');
  await waitForFrame(app.lastFrame, (f) => f.includes('IMAP Syncs') && !f.includes('Help:'));
  app.unmount();
});

test('the hint bar shows the keys of the current screen, from the keymap', async () => {
  const app = renderSized(<App backend={createFakeBackend()} />);
  const list = await waitForFrame(app.lastFrame, (f) => f.includes('SyncAll') && f.includes('n new '));
  assert.ok(linesOf(list).at(-1)!.includes('? help'));
  await press(app, 'open');
  // The Running sync: pause and stop act, start does not.
  const details = await waitForFrame(app.lastFrame, 'p pause');
  assert.ok(!linesOf(details).at(-1)!.includes('s start'));
  app.unmount();
});

test('q with nothing running pauses nothing, shuts the backend down and exits', async () => {
  const backend = createFakeBackend();
  const app = renderSized(<App backend={backend} />);
  await waitForFrame(app.lastFrame, 'SyncAll');
  await press(app, 'quit');
  await app.waitUntilExit();
  assert.deepEqual(backend.calls, ['shutdown']);
});

test('q while a sync runs asks first (No is the default); y pauses at a safe point and exits', async () => {
  const backend = createFakeBackend();
  backend.liveRuns = () => [liveRun(backend)];
  const app = renderSized(<App backend={backend} />);
  await waitForFrame(app.lastFrame, 'SyncAll');
  await press(app, 'quit');
  await waitForFrame(app.lastFrame, (f) => f.replace(/\s+/g, ' ').includes(quitQuestion(1)));
  await write(app, '\r'); // Enter: the default, No
  await waitForFrame(app.lastFrame, (f) => !f.includes('Quit?') && f.includes('n new '));
  assert.deepEqual(backend.calls, []);
  await write(app, '\u0003'); // Ctrl+C asks too
  await waitForFrame(app.lastFrame, 'Quit? y/N');
  await press(app, 'yes');
  await app.waitUntilExit();
  assert.deepEqual(backend.calls, ['shutdown']);
  assert.equal(
    quitQuestion(2),
    '2 syncs are running: they will pause at a safe point and continue at the next start. Quit?',
  );
});

test('at 80x24 every screen fits: rows - 1 lines, no line wider than 80', async () => {
  const app = renderSized(<App backend={createFakeBackend()} />, { columns: 80, rows: 24 });
  const fits = (frame: string) => {
    const lines = linesOf(frame);
    assert.ok(lines.length <= 23, `${lines.length} lines:\n${frame}`);
    for (const line of lines) assert.ok([...line].length <= 80, `too wide (${[...line].length}): ${line}`);
  };
  fits(await waitForFrame(app.lastFrame, 'SyncAll'));
  await press(app, 'open');
  fits(await waitForFrame(app.lastFrame, (f) => f.includes('Date Created') && f.includes('ann@example.com')));
  await press(app, 'help');
  fits(await waitForFrame(app.lastFrame, 'Help:'));
  await press(app, 'back');
  await waitForFrame(app.lastFrame, (f) => !f.includes('Help:'));
  await press(app, 'open');
  fits(await waitForFrame(app.lastFrame, 'Download Log'));
  app.resize(60, 20);
  fits(await waitForFrame(app.lastFrame, (f) => linesOf(f).length <= 19));
  app.unmount();
});

test('n, a and S open the other screens, where Ctrl+C still quits', async () => {
  for (const command of ['newSync', 'directory', 'settings'] as const) {
    const backend = createFakeBackend();
    const app = renderSized(<App backend={backend} />, { columns: 100, rows: 40 });
    await waitForFrame(app.lastFrame, 'SyncAll');
    await press(app, command);
    await waitForFrame(app.lastFrame, (f) => !f.includes('IMAP Syncs') && f.includes('Ctrl+C quit'));
    await write(app, '\u0003');
    await app.waitUntilExit();
    assert.deepEqual(backend.calls, ['shutdown'], command);
  }
});

test('r opens the wizard pre-filled with the selected sync (its settings, not its record)', async () => {
  const backend = createFakeBackend();
  backend.syncs[1]!.source.host = 'old-mail.recreate.example';
  const app = renderSized(<App backend={backend} />, { columns: 120, rows: 40 });
  await waitForFrame(app.lastFrame, 'SyncAll');
  await press(app, 'recreate');
  await waitForFrame(app.lastFrame, (f) => !f.includes('IMAP Syncs') && f.includes('old-mail.recreate.example'));
  app.unmount();
  const settings = settingsOf(backend.syncs[1]!);
  assert.equal('id' in settings || 'status' in settings || 'createdAt' in settings, false);
  assert.equal(settings.source.host, 'old-mail.recreate.example');
});

test('? opens help on the wizard (also on a radio field), the directory and settings; a field being edited takes it', async () => {
  const app = renderSized(<App backend={createFakeBackend()} />, { columns: 100, rows: 40 });
  await waitForFrame(app.lastFrame, 'SyncAll');
  await write(app, 'n');
  await waitForFrame(app.lastFrame, 'Step 1 of 3');
  // The focused text field is not being edited yet: ? is help.
  await write(app, '?');
  await waitForFrame(app.lastFrame, 'Help: New sync');
  await press(app, 'back');
  await waitForFrame(app.lastFrame, (f) => f.includes('Step 1 of 3') && !f.includes('Help:'));
  // Once typing started, ? is text (the hint bar says Enter keeps the edit).
  await write(app, 'm', '?');
  const editing = await waitForFrame(app.lastFrame, 'm?');
  assert.ok(!editing.includes('Help:'));
  assert.match(linesOf(editing).at(-1)!, /Enter keep the edit/);
  await write(app, '\r', '\t', '\t');
  // On the TLS choice, ? is help too.
  await write(app, '?');
  await waitForFrame(app.lastFrame, 'Help: New sync');
  await press(app, 'back');
  await write(app, '\u001B');
  await waitForFrame(app.lastFrame, 'Discard this sync?');
  await write(app, 'y');
  await waitForFrame(app.lastFrame, 'IMAP Syncs');
  await write(app, 'a');
  await waitForFrame(app.lastFrame, '2 of 2 accounts');
  await write(app, '?');
  await waitForFrame(app.lastFrame, 'Help: Account directory');
  await press(app, 'back', 'back');
  await waitForFrame(app.lastFrame, 'IMAP Syncs');
  await write(app, 'S');
  await waitForFrame(app.lastFrame, 'Ctrl+T');
  await write(app, '?');
  await waitForFrame(app.lastFrame, 'Help: Settings');
  app.unmount();
});

test('each wizard step says in the hint bar what Enter does there', async () => {
  const app = renderSized(<App backend={createFakeBackend()} />, { columns: 100, rows: 40 });
  await waitForFrame(app.lastFrame, 'SyncAll');
  await write(app, 'n');
  const step1 = await waitForFrame(app.lastFrame, 'Step 1 of 3');
  assert.match(linesOf(step1).at(-1)!, /Enter next: choose accounts/);
  assert.doesNotMatch(step1, /step 3: create/);
  app.unmount();
});

test('below 60x20 one line says the terminal is too small; growing it brings the frame back', async () => {
  const app = renderSized(<App backend={createFakeBackend()} />, { columns: 50, rows: 15 });
  const small = await waitForFrame(app.lastFrame, 'terminal too small: 50 x 15, need 60 x 20');
  assert.equal(linesOf(small).filter(Boolean).length, 1);
  app.resize(80, 24);
  await waitForFrame(app.lastFrame, 'SyncAll');
  app.unmount();
});

test('at 60x20 the help overlay scrolls: every key can be read, down to quit', async () => {
  const app = renderSized(<App backend={createFakeBackend()} />, { columns: 60, rows: 20 });
  await waitForFrame(app.lastFrame, 'SyncAll');
  await press(app, 'open');
  await waitForFrame(app.lastFrame, 'Date Created');
  await press(app, 'help');
  const first = await waitForFrame(app.lastFrame, /lines 1-\d+ of \d+/);
  assert.ok(linesOf(first).length <= 19);
  assert.doesNotMatch(first, /PgDn +page down/);
  await press(app, 'pageDown', 'pageDown', 'pageDown');
  const last = await waitForFrame(app.lastFrame, 'quit');
  assert.ok(linesOf(last).length <= 19);
  app.unmount();
});
