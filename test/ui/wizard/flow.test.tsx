import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { sampleSettings } from '../fakeBackend.ts';
import { flat, frame, KEY, press, until, waitFor } from './support.ts';
import { focusField, futureDate, lineOf, renderWizard, toStep2 } from './setup.tsx';

afterEach(() => cleanup());

test('Back at every step keeps everything entered', async () => {
  const { app, backend } = await renderWizard();
  let directoryReads = 0;
  const listAccounts = backend.listAccounts.bind(backend);
  backend.listAccounts = async () => {
    directoryReads++;
    return listAccounts();
  };
  await press(app, 'imap.old.example', KEY.tab, KEY.ctrlU, '1993', KEY.tab);
  await focusField(app, 'Threads');
  await press(app, KEY.ctrlU, '4', KEY.enter, KEY.enter);
  await waitFor(app, 'Step 2 of 3');
  await waitFor(app, 'ann@example.com');
  await press(app, KEY.down, KEY.space, KEY.up, 'e', KEY.ctrlU, 'ann.old', KEY.enter, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  await focusField(app, 'Notify users');
  await press(app, 'ops@example.com', KEY.enter, KEY.esc);
  await waitFor(app, 'Step 2 of 3');
  assert.match(flat(app), /1 of 2 checked/);
  assert.match(lineOf(app, 'ann@example.com   '), /ann\.old/);
  await press(app, KEY.esc);
  await waitFor(app, 'Step 1 of 3');
  assert.match(lineOf(app, 'IMAP server'), /imap\.old\.example/);
  assert.match(lineOf(app, 'Port'), /1993/);
  assert.match(lineOf(app, 'Threads'), /4/);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 2 of 3');
  assert.match(lineOf(app, 'ann@example.com   '), /ann\.old/);
  assert.match(flat(app), /1 of 2 checked/);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  assert.match(lineOf(app, 'Notify users'), /ops@example\.com/);
  assert.match(flat(app), /Port 1993/);
  assert.match(flat(app), /Threads 4/);
  assert.equal(directoryReads, 1);
});

test('Recreate pre-fills every field and account, and recreates from the old sync', async () => {
  const initial = sampleSettings({
    source: { host: 'imap.legacy.example', port: 10993, tls: 'tls', allowInvalidCert: true },
    mode: 'flags-new',
    dryRun: false,
    group: 'all',
    accounts: [{ email: 'ben@example.com', remoteUser: 'ben.legacy', remotePassword: 'pw' }],
    threads: 3,
    start: 'manual',
    loopUntil: new Date(futureDate(1)).toISOString(),
    loopIntervalMs: 2 * 3_600_000,
    notify: ['ops@example.com', 'boss@example.com'],
    deleteGuardPercent: 25,
    connections: 7,
  });
  const { app, backend, done } = await renderWizard({ initial, recreateFrom: 'sync0001aaaabbbb' });
  assert.match(lineOf(app, 'IMAP server'), /imap\.legacy\.example/);
  assert.match(lineOf(app, 'Port'), /10993/);
  assert.match(lineOf(app, 'TLS'), /\(•\) TLS \(implicit\)/);
  assert.match(lineOf(app, 'Certificate'), /\[x\]/);
  assert.match(lineOf(app, 'Sync mode'), /\(•\) Flags and New Messages/);
  assert.match(lineOf(app, 'Dry run'), /\[ \]/);
  assert.match(lineOf(app, 'Threads'), /3/);
  assert.match(lineOf(app, 'Connections'), /Connections\s+7 /);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 2 of 3');
  await waitFor(app, '1 of 2 checked');
  assert.match(lineOf(app, 'ben@example.com   '), /\[x\] ben@example\.com\s+ben\.legacy\s+••••••/);
  assert.match(lineOf(app, 'ann@example.com   '), /\[ \] ann@example\.com/);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  assert.match(lineOf(app, 'Start '), /\(•\) manually later/);
  assert.match(lineOf(app, 'Repeat'), /\(•\) continue until a date/);
  assert.match(lineOf(app, 'Loop until'), new RegExp(futureDate(1)));
  assert.match(lineOf(app, 'Every'), /2h/);
  assert.match(lineOf(app, 'Notify users'), /ops@example\.com;boss@example\.com/);
  await press(app, KEY.enter);
  await until(() => done.length === 1);
  assert.ok(backend.calls.includes('recreateSync sync0001aaaabbbb'));
  const sync = backend.syncs.at(-1)!;
  assert.deepEqual(sync.source, initial.source);
  assert.deepEqual(sync.accounts, initial.accounts);
  assert.equal(sync.mode, 'flags-new');
  assert.equal(sync.dryRun, false);
  assert.equal(sync.threads, 3);
  assert.equal(sync.start, 'manual');
  assert.equal(sync.loopUntil, initial.loopUntil);
  assert.equal(sync.loopIntervalMs, initial.loopIntervalMs);
  assert.deepEqual(sync.notify, initial.notify);
  assert.equal(sync.deleteGuardPercent, 25);
  assert.equal(sync.connections, 7);
});

test('Recreate of a sync saved before connections per user existed offers and keeps the default, 4', async () => {
  const initial = sampleSettings({ threads: 2 });
  assert.equal('connections' in initial, false);
  const { app, backend, done } = await renderWizard({ initial, recreateFrom: 'sync0001aaaabbbb' });
  assert.match(lineOf(app, 'Connections'), /Connections\s+4 /);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 2 of 3');
  await waitFor(app, (f) => !f.includes('Loading'));
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  assert.match(lineOf(app, 'Connections'), /4 per user/);
  await press(app, KEY.enter);
  await until(() => done.length === 1);
  assert.equal(backend.syncs.at(-1)!.connections, 4);
});

test('Sync All without dry run needs SYNC ALL typed; anything else cancels', async () => {
  const { app, backend, done } = await renderWizard();
  await focusField(app, 'Sync mode');
  await press(app, KEY.right, KEY.tab, KEY.space); // Sync All, dry run off
  await focusField(app, 'IMAP server');
  await toStep2(app);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  assert.match(flat(app), /Sync mode Sync All Dry run No/);
  await press(app, KEY.enter);
  await waitFor(app, 'Type SYNC ALL and press Enter');
  assert.match(flat(app), /CAUTION: Syncing All will replace/);
  await press(app, 'sync all', KEY.enter);
  await waitFor(app, 'Not confirmed: no sync created');
  assert.ok(!backend.calls.some((call) => call.startsWith('createSync')));
  await press(app, KEY.enter);
  await waitFor(app, 'Type SYNC ALL');
  await press(app, 'SYNC', KEY.esc);
  await waitFor(app, 'Not confirmed');
  await press(app, KEY.enter);
  await waitFor(app, 'Type SYNC ALL');
  await press(app, 'SYNC ALL', KEY.enter);
  await until(() => done.length === 1);
  assert.deepEqual(
    backend.calls.filter((call) => call.startsWith('createSync')),
    ['createSync all 2'],
  );
  const sync = backend.syncs.at(-1)!;
  assert.equal(sync.mode, 'all');
  assert.equal(sync.dryRun, false);
});

test('Sync All with dry run creates without the typed confirmation', async () => {
  const { app, done } = await renderWizard();
  await focusField(app, 'Sync mode');
  await press(app, KEY.right);
  await focusField(app, 'IMAP server');
  await toStep2(app);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  await press(app, KEY.enter);
  await until(() => done.length === 1);
  assert.ok(!frame(app).includes('Type SYNC ALL'));
});
