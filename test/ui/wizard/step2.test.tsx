import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { flat, frame, KEY, press, until, waitFor } from './support.ts';
import { focusField, lineOf, renderWizard, toStep2 } from './setup.tsx';

afterEach(() => cleanup());

test('All: every account of the directory is listed and checked, with the seed’s advice', async () => {
  const { app } = await renderWizard();
  await toStep2(app);
  assert.match(flat(app), /All Accounts: 2 of 2 checked/);
  assert.match(flat(app), /if the password is the same on the remote server, leave it blank/);
  assert.match(
    lineOf(app, 'ann@example.com   '),
    /› \[x\] ann@example\.com\s+ann@example\.com\s+\(dest\.\)\s+not tested/,
  );
  assert.match(lineOf(app, 'ben@example.com   '), /\[x\] ben@example\.com\s+ben@example\.com/);
});

test('Admin lists only admin accounts, checked; Specific starts with none checked', async () => {
  const { app } = await renderWizard();
  await focusField(app, 'Accounts');
  await press(app, KEY.right); // Admin
  await focusField(app, 'IMAP server');
  await toStep2(app);
  assert.match(flat(app), /Admin Accounts: 1 of 1 checked/);
  assert.ok(!frame(app).includes('ben@example.com'));
  await press(app, KEY.esc);
  await waitFor(app, 'Step 1 of 3');
  await focusField(app, 'Accounts');
  await press(app, KEY.right, KEY.enter); // Specific, continue
  await waitFor(app, 'Specific Accounts: 0 of 2 checked');
  await press(app, KEY.enter);
  await waitFor(app, 'Check at least one account');
  assert.match(frame(app), /Step 2 of 3/);
});

test('space toggles one account, a checks all or none', async () => {
  const { app } = await renderWizard();
  await toStep2(app);
  await press(app, KEY.down, KEY.space);
  await waitFor(app, '1 of 2 checked');
  assert.match(lineOf(app, 'ben@example.com   '), /› \[ \] ben@example\.com/);
  await press(app, 'a');
  await waitFor(app, '2 of 2 checked');
  await press(app, 'a');
  await waitFor(app, '0 of 2 checked');
  await press(app, KEY.space);
  await waitFor(app, '1 of 2 checked');
});

test('the remote username and password are edited; the password shows only bullets', async () => {
  const { app } = await renderWizard();
  await toStep2(app);
  await press(app, 'e', KEY.ctrlU, 'ann.old', KEY.enter);
  await waitFor(app, /ann@example\.com\s+ann\.old\s/);
  // Esc cancels an edit.
  await press(app, 'e', 'zzz', KEY.esc);
  await waitFor(app, (f) => !f.includes('ann.oldzzz') && /ann\.old\s/.test(f));
  await press(app, 'p', 's3cret!', KEY.enter);
  await waitFor(app, /ann\.old\s+••••••/);
  assert.ok(!frame(app).includes('s3cret'));
});

test('remove domain, then append a domain to the usernames', async () => {
  const { app } = await renderWizard();
  await toStep2(app);
  await press(app, 'D');
  await waitFor(app, 'Domain removed from 2 usernames');
  assert.match(lineOf(app, 'ann@example.com   '), /ann@example\.com\s+ann\s/);
  assert.match(lineOf(app, 'ben@example.com   '), /ben@example\.com\s+ben\s/);
  await press(app, 'd', 'not a domain', KEY.enter);
  await waitFor(app, 'Domain must be such as example.com');
  await press(app, KEY.ctrlU, 'corp.example', KEY.enter);
  await waitFor(app, '@corp.example appended to 2 usernames');
  assert.match(lineOf(app, 'ann@example.com   '), /ann@corp\.example/);
  assert.match(lineOf(app, 'ben@example.com   '), /ben@corp\.example/);
});

test('t tests the selected account, T every checked one: OK or the server’s reason', async () => {
  const { app, backend } = await renderWizard();
  await toStep2(app);
  await press(app, 't');
  await waitFor(app, /ann@example\.com\s+.*✓ OK/);
  assert.match(lineOf(app, 'ben@example.com   '), /not tested/);
  await press(app, 'T');
  await waitFor(app, '✗ source: login as b');
  await press(app, KEY.down);
  await waitFor(app, 'ben@example.com: source: login as ben refused');
  assert.match(flat(app), /1 of 2 logins failed/);
  assert.deepEqual(
    backend.calls.filter((c) => c === 'testAuth'),
    ['testAuth', 'testAuth'],
  );
});

test('a failing test call shows its message', async () => {
  const { app, backend } = await renderWizard();
  backend.testAuth = async () => {
    throw new Error('no destination server is configured; set one in Settings');
  };
  await toStep2(app);
  await press(app, 'T');
  await waitFor(app, 'Test failed: no destination server is configured');
  await until(() => !frame(app).includes('testing'));
});

test('Enter with known failed logins asks first, naming how many failed; N stays, y goes on', async () => {
  const { app, backend } = await renderWizard();
  const syncs = backend.syncs.length;
  await toStep2(app);
  await press(app, 'T');
  await waitFor(app, '1 of 2 logins failed');
  await press(app, KEY.enter);
  await waitFor(app, '1 of 2 checked accounts failed the login test');
  await press(app, 'n');
  await waitFor(app, (f) => !f.includes('failed the login test'));
  assert.match(frame(app), /Step 2 of 3/);
  await press(app, KEY.enter);
  await waitFor(app, 'failed the login test');
  await press(app, 'y');
  await waitFor(app, 'Step 3 of 3');
  assert.equal(backend.syncs.length, syncs);
});

test('a failed login shows its whole reason and advice at 80 columns, wrapped', async () => {
  const { app, backend } = await renderWizard();
  const reason =
    'cannot connect to old-mail.internal.example.com:993 (connection refused): check the host and port in step 1';
  backend.testAuth = async (settings) =>
    settings.accounts.map((account) => ({
      account: account.email,
      source: { ok: false as const, code: 'CONNECT_FAILED' as const, reason },
      destination: { ok: true as const, capabilities: [] },
    }));
  await toStep2(app);
  await press(app, 't');
  await waitFor(app, (f) => f.replace(/\s+/g, ' ').includes(`ann@example.com (admin): source: ${reason}`));
  for (const l of frame(app).split('\n')) assert.ok(l.length <= 80, l);
});
