// The sync list (docs/spec.md L1, L2): the seed's columns newest first, live refresh, filter, moving.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { App } from '../../source/ui/App.tsx';
import { createFakeBackend, sampleSettings } from './fakeBackend.ts';
import { cleanup, linesOf, press, renderSized, type, waitForFrame } from './support.ts';

afterEach(cleanup);

test('the seed columns, newest first, with - for times not known yet and the status as a word', async () => {
  const backend = createFakeBackend();
  backend.syncs.push({
    ...sampleSettings({ mode: 'flags-new' }),
    id: 'sync0003manual00',
    createdAt: '2026-11-30T11:00:00.000Z',
    status: 'Manual',
  });
  const app = renderSized(<App backend={backend} />, { columns: 140, rows: 30 });
  const frame = await waitForFrame(app.lastFrame, 'SyncFlagNew');
  const lines = linesOf(frame);
  const header = lines.find((l) => l.includes('Start Time'))!;
  for (const title of [
    'ID',
    'Start Time',
    'Complete Time',
    'Sync Mode',
    'Dry Run',
    'IMAP Server',
    'Status',
    'Accounts',
  ])
    assert.ok(header.includes(title), title);
  const rows = lines.filter((l) => l.includes('imap.old.example'));
  assert.equal(rows.length, 3);
  assert.match(rows[0]!, /^› sync0003 -\s+-\s+SyncFlagNew\s+Yes\s+imap\.old\.example\s+Manual\s+2$/);
  assert.match(rows[1]!, /SyncAll\s+No\s+imap\.old\.example\s+Running\s+2$/);
  assert.match(
    rows[2]!,
    /sync0001 2026-11-29 \d\d:00:01 +2026-11-29 \d\d:05:00 SyncNew\s+Yes\s+imap\.old\.example\s+Complete\s+2$/,
  );
});

test('at 80 columns: the ID column, a scheduled start marked *, and S settings in the key line', async () => {
  const backend = createFakeBackend();
  backend.syncs.push({
    ...sampleSettings({ mode: 'flags-new', start: '2026-12-24T22:00:00.000Z' }),
    id: 'sync0003sched000',
    createdAt: '2026-11-30T11:00:00.000Z',
    status: 'Scheduled',
    nextRunAt: '2026-12-24T22:00:00.000Z',
  });
  const app = renderSized(<App backend={backend} />, { columns: 80, rows: 24 });
  const frame = await waitForFrame(app.lastFrame, 'SyncFlagNew');
  const lines = linesOf(frame);
  assert.ok(lines.find((l) => l.includes('Start Time'))!.includes('ID'), frame);
  const scheduled = lines.find((l) => l.includes('SyncFlagNew'))!;
  const local = new Date('2026-12-24T22:00:00.000Z');
  const shown = `${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')} ${String(local.getHours()).padStart(2, '0')}:00*`;
  assert.ok(scheduled.startsWith(`› sync0003 ${shown}`), `${shown} in: ${scheduled}`);
  assert.ok(frame.includes('* scheduled start'), frame);
  assert.ok(lines.at(-1)!.includes('S settings'), lines.at(-1));
  for (const line of lines) assert.ok([...line].length <= 80, `too wide: ${line}`);
});

test('a backend event refreshes the list at once', async () => {
  const backend = createFakeBackend();
  const app = renderSized(<App backend={backend} />);
  await waitForFrame(app.lastFrame, 'Running');
  backend.syncs[1]!.status = 'Paused';
  backend.emit({ type: 'status', syncId: 'sync0002ccccdddd', status: 'Paused' });
  await waitForFrame(app.lastFrame, (f) => f.includes('Paused') && !f.includes('Running'), 1000);
});

test('the list also refreshes on a timer while a sync runs (no event needed)', async () => {
  const backend = createFakeBackend();
  const app = renderSized(<App backend={backend} />);
  await waitForFrame(app.lastFrame, 'Running');
  // A new record (as the store returns), so the list's last snapshot still says Running.
  backend.syncs[1] = { ...backend.syncs[1]!, status: 'Complete with errors' };
  await waitForFrame(app.lastFrame, 'Complete (errors)', 1000);
});

test('/ filters live; Enter keeps the filter, Esc clears it', async () => {
  const backend = createFakeBackend();
  const app = renderSized(<App backend={backend} />);
  await waitForFrame(app.lastFrame, 'SyncAll');
  await press(app, 'filter');
  await type(app, 'syncnew');
  let frame = await waitForFrame(app.lastFrame, 'Filter: syncnew');
  assert.ok(!frame.includes('SyncAll') && frame.includes('SyncNew'));
  assert.ok(frame.includes('1 of 2'));
  await press(app, 'open'); // Enter keeps
  frame = await waitForFrame(app.lastFrame, '/ edit, Esc clear');
  assert.ok(!frame.includes('SyncAll'));
  await press(app, 'open'); // now Enter opens the one sync left
  await waitForFrame(app.lastFrame, 'Sync sync0001');
  await press(app, 'back');
  await waitForFrame(app.lastFrame, 'IMAP Syncs');
  await press(app, 'back'); // Esc clears the kept filter
  await waitForFrame(app.lastFrame, (f) => f.includes('SyncAll') && f.includes('SyncNew'));
  // Esc while typing clears too.
  await press(app, 'filter');
  await type(app, 'zzz');
  await waitForFrame(app.lastFrame, 'No sync matches the filter.');
  await press(app, 'back');
  await waitForFrame(app.lastFrame, (f) => f.includes('SyncAll') && !f.includes('Filter'));
});

test('a long list scrolls: j/k, arrows, PgDn/PgUp, g/G keep the selected row in view', async () => {
  const backend = createFakeBackend();
  for (let i = 0; i < 40; i++) {
    const minute = String(i).padStart(2, '0');
    backend.syncs.push({
      ...sampleSettings({ source: { host: `host${minute}.example`, port: 143, tls: 'none', allowInvalidCert: false } }),
      id: `bulk${minute}`,
      createdAt: `2026-10-01T10:${minute}:00.000Z`,
      status: 'Manual',
    });
  }
  const app = renderSized(<App backend={backend} />, { columns: 100, rows: 24 });
  const selectedHost = (frame: string) =>
    linesOf(frame)
      .find((l) => l.startsWith('›'))
      ?.match(/host\d\d|imap\.old/)?.[0];
  let frame = await waitForFrame(app.lastFrame, '1-18 of 42');
  assert.equal(selectedHost(frame), 'imap.old');
  await press(app, 'bottom');
  frame = await waitForFrame(app.lastFrame, '25-42 of 42');
  assert.equal(selectedHost(frame), 'host00'); // the oldest
  await press(app, 'up', 'up');
  await waitForFrame(app.lastFrame, (f) => selectedHost(f) === 'host02');
  await press(app, 'pageUp'); // 18 rows up
  await waitForFrame(app.lastFrame, (f) => selectedHost(f) === 'host20');
  await press(app, 'top');
  await waitForFrame(app.lastFrame, '1-18 of 42');
  await press(app, 'pageDown', 'down');
  await waitForFrame(app.lastFrame, (f) => selectedHost(f) === 'host22');
  app.stdin.write('\u001b[A'); // the arrow itself
  await waitForFrame(app.lastFrame, (f) => selectedHost(f) === 'host23');
});

test('a backend failure shows in the status line, in the words of its message', async () => {
  const backend = createFakeBackend();
  backend.listSyncs = async () => {
    throw new Error('the datastore file syncs.db is unreadable: EACCES');
  };
  const app = renderSized(<App backend={backend} />);
  await waitForFrame(app.lastFrame, '✗ the datastore file syncs.db is unreadable: EACCES');
});
