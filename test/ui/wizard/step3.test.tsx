import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { flat, frame, KEY, press, until, waitFor } from './support.ts';
import { focusField, futureDate, lineOf, renderWizard, toStep2 } from './setup.tsx';

afterEach(() => cleanup());

async function toStep3(app: Parameters<typeof toStep2>[0]) {
  await toStep2(app);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
}

test('step 3 shows the summary; Enter creates the sync with the defaults', async () => {
  const { app, backend, done } = await renderWizard();
  await toStep3(app);
  const text = flat(app);
  assert.match(text, /IMAP server imap\.old\.example Port 143/);
  assert.match(text, /TLS STARTTLS Threads 1/);
  assert.match(text, /Sync mode New Messages Dry run Yes/);
  assert.match(text, /Account group All Accounts Total accounts 2/);
  assert.match(lineOf(app, 'Start '), /\(•\) immediately/);
  assert.match(lineOf(app, 'Repeat'), /\(•\) one time only/);
  assert.match(lineOf(app, 'Every'), /1h/);
  assert.match(text, /Separate addresses with a semi-colon/);
  await press(app, KEY.enter);
  await until(() => done.length === 1);
  const sync = backend.syncs.at(-1)!;
  assert.equal(done[0], sync.id);
  assert.deepEqual(sync.source, { host: 'imap.old.example', port: 143, tls: 'starttls', allowInvalidCert: false });
  assert.equal(sync.mode, 'new');
  assert.equal(sync.dryRun, true);
  assert.equal(sync.group, 'all');
  assert.equal(sync.threads, 1);
  assert.equal(sync.start, 'now');
  assert.equal(sync.loopUntil, undefined);
  assert.deepEqual(sync.notify, []);
  assert.deepEqual(sync.accounts, [
    { email: 'ann@example.com', remoteUser: 'ann@example.com' },
    { email: 'ben@example.com', remoteUser: 'ben@example.com' },
  ]);
});

test('a start time in the past or not a real date is refused with the reason', async () => {
  const { app, backend } = await renderWizard();
  await toStep3(app);
  await press(app, KEY.left); // -> at a date and time
  await focusField(app, 'Start time');
  await press(app, '2020-01-01 10:00', KEY.tab);
  await waitFor(app, 'Start time must be in the future (now is');
  assert.match(lineOf(app, 'Start time'), /2020-01-01 10:00\s+✗ Start time must be/);
  await focusField(app, 'Start time');
  await press(app, KEY.ctrlU, `${new Date().getFullYear() + 1}-02-30 10:00`, KEY.enter);
  await waitFor(app, 'is not a real date and time');
  await press(app, KEY.ctrlU, 'tomorrow', KEY.enter);
  await waitFor(app, 'Start time must be a date and time such as 2026-12-01T22:00');
  await focusField(app, 'Notify users');
  await press(app, KEY.enter);
  await waitFor(app, /› Start time/);
  assert.ok(!backend.calls.some((call) => call.startsWith('createSync')));
});

test('notify users: each address is validated, 255 characters at most', async () => {
  const { app, backend } = await renderWizard();
  await toStep3(app);
  await focusField(app, 'Notify users');
  await press(app, 'ops@example.com;not-an-address', KEY.enter);
  await waitFor(app, 'Notify users: not a valid email address: "not-an-address"');
  await press(app, KEY.ctrlU, `${'a'.repeat(250)}@example.com`, KEY.enter);
  await waitFor(app, 'Notify users is 262 characters long; at most 255 are allowed');
  await press(app, KEY.enter);
  await waitFor(app, /› Notify users/);
  assert.ok(!backend.calls.some((call) => call.startsWith('createSync')));
});

test('start at a date, loop until a date every 30m, notify: the settings created', async () => {
  const { app, backend, done } = await renderWizard();
  await toStep3(app);
  await press(app, KEY.left, KEY.tab, futureDate(1, '22:00'), KEY.tab); // start at, time
  await press(app, KEY.right, KEY.tab); // continue until a date
  await press(app, futureDate(1, '21:00'), KEY.tab);
  await waitFor(app, 'Loop until must be after the start time');
  assert.match(lineOf(app, 'Loop until'), /✗ Loop until must be/);
  await press(app, KEY.shiftTab, KEY.ctrlU, futureDate(2), KEY.tab);
  await waitFor(app, (f) => !f.includes('Loop until must'));
  await press(app, KEY.ctrlU, '30x', KEY.tab);
  await waitFor(app, 'Interval must be a duration such as 30m');
  await press(app, KEY.shiftTab, KEY.ctrlU, '30m', KEY.tab, 'ops@example.com; boss@example.com', KEY.enter, KEY.enter);
  await until(() => done.length === 1);
  const sync = backend.syncs.at(-1)!;
  assert.equal(sync.start, new Date(futureDate(1, '22:00')).toISOString());
  assert.equal(sync.loopUntil, new Date(futureDate(2)).toISOString());
  assert.equal(sync.loopIntervalMs, 30 * 60_000);
  assert.deepEqual(sync.notify, ['ops@example.com', 'boss@example.com']);
  assert.equal(sync.status, 'Scheduled');
});

test('start manually later', async () => {
  const { app, backend, done } = await renderWizard();
  await toStep3(app);
  await press(app, KEY.right, KEY.enter);
  await until(() => done.length === 1);
  assert.equal(backend.syncs.at(-1)!.start, 'manual');
});

test('a failing create shows the message and stays', async () => {
  const { app, backend, done } = await renderWizard();
  backend.createSync = async () => {
    throw new Error('no destination server is configured; set one in Settings');
  };
  await toStep3(app);
  await press(app, KEY.enter);
  await waitFor(app, 'no destination server is configured');
  assert.equal(done.length, 0);
  assert.match(frame(app), /Step 3 of 3/);
});

test('the summary keeps its columns apart and names how many accounts stay checked', async () => {
  const { app } = await renderWizard();
  await focusField(app, 'Sync mode');
  await press(app, KEY.left);
  await waitFor(app, /\(•\) Flags and New Messages/);
  await focusField(app, 'IMAP server');
  await toStep2(app);
  await press(app, KEY.space);
  await waitFor(app, '1 of 2 checked');
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  assert.match(lineOf(app, 'Sync mode'), /Flags and New Messages\s{2,}Dry run/);
  assert.match(flat(app), /Account group All Accounts, 1 of 2 checked/);
});
