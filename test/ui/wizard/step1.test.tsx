import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { flat, frame, KEY, press, until, waitFor } from './support.ts';
import { focusField, lineOf, renderWizard } from './setup.tsx';

afterEach(() => cleanup());

test('step 1 shows the defaults, the mode explanation and suggested uses', async () => {
  const { app } = await renderWizard();
  const text = flat(app);
  assert.match(lineOf(app, 'Port'), /Port\s+143/);
  assert.match(lineOf(app, 'TLS'), /\(•\) STARTTLS/);
  assert.match(lineOf(app, 'Certificate'), /\[ \] allow an invalid certificate/);
  assert.match(lineOf(app, 'Sync mode'), /\(•\) New Messages/);
  assert.match(lineOf(app, 'Dry run'), /\[x\]/);
  assert.match(lineOf(app, 'Accounts'), /\(•\) All Accounts/);
  assert.match(lineOf(app, 'Threads'), /Threads\s+1/);
  assert.match(
    lineOf(app, 'Connections'),
    /Connections\s+4\s+per user per server: folders at once \(Dovecot allows 10\)/,
  );
  assert.match(text, /New Messages: This option will only download messages not previously downloaded/);
  assert.match(text, /Suggested uses: Anytime after the MX record change/);
  for (const line of frame(app).split('\n')) assert.ok(line.length <= 80, `wider than 80: ${line}`);
});

test('choosing Sync All shows the CAUTION text; dry run off warns about the typed confirmation', async () => {
  const { app } = await renderWizard();
  await focusField(app, 'Sync mode');
  await press(app, KEY.right); // New Messages -> Sync All (wraps)
  await waitFor(app, 'CAUTION');
  let text = flat(app);
  assert.match(text, /CAUTION: Syncing All will replace your respective destination email account data/);
  assert.match(text, /Suggested uses: Initial Sync; Sync before MX record change/);
  await press(app, KEY.right);
  await waitFor(app, 'Flags and New Messages: This option will download');
  text = flat(app);
  assert.match(text, /Suggested uses: Sync when users may still be accessing the remote server/);
  await press(app, KEY.left, KEY.tab, KEY.space);
  await waitFor(app, 'No dry run');
  text = flat(app);
  assert.match(lineOf(app, 'Dry run'), /\[ \]/);
  assert.match(text, /No dry run: Sync All deletes on the destination; type SYNC ALL to confirm/);
});

test('the port follows the TLS choice until a port is typed', async () => {
  const { app } = await renderWizard();
  await focusField(app, 'TLS');
  await press(app, KEY.right); // STARTTLS -> TLS (implicit)
  await waitFor(app, /Port\s+993/);
  await press(app, KEY.right); // -> none
  await waitFor(app, /Port\s+143/);
  await focusField(app, 'Port');
  await press(app, KEY.ctrlU);
  await press(app, KEY.backspace, KEY.backspace, KEY.backspace, '1143', KEY.tab);
  await waitFor(app, /Port\s+1143/);
  await press(app, KEY.right, KEY.right); // none -> starttls -> tls
  await waitFor(app, /\(•\) TLS \(implicit\)/);
  assert.match(lineOf(app, 'Port'), /Port\s+1143/);
});

test('an invalid port is refused with the reason, and Continue moves the cursor to it', async () => {
  const { app } = await renderWizard();
  await press(app, 'imap.old.example', KEY.tab);
  await press(app, KEY.backspace, KEY.backspace, KEY.backspace, 'abc', KEY.tab);
  await waitFor(app, '✗ Port must be a whole number');
  assert.match(lineOf(app, 'Port'), /✗ Port must be a whole number/);
  await focusField(app, 'Threads');
  await press(app, KEY.enter);
  const text = await waitFor(app, /› Port/);
  assert.match(text, /Step 1 of 3/);
  assert.match(text, /Port must be a whole number from 1 to 65535, not "abc"/);
  // Fixing it clears the reason as it is typed.
  await press(app, KEY.backspace, KEY.backspace, KEY.backspace, '993');
  await waitFor(app, (f) => !f.includes('Port must be'));
});

test('Continue with no host and zero threads refuses, focusing the first wrong field', async () => {
  const { app } = await renderWizard();
  await focusField(app, 'Threads');
  await press(app, KEY.backspace, '0', KEY.enter);
  await waitFor(app, 'Threads must be a whole number from 1 to 64');
  await press(app, KEY.enter);
  const text = await waitFor(app, /› IMAP server/);
  assert.match(text, /IMAP server needs a host name or IP address/);
  assert.match(text, /Step 1 of 3/);
});

test('Esc inside a text field cancels the edit; Esc at step 1 asks before discarding', async () => {
  const { app, cancelled } = await renderWizard();
  await press(app, 'imap.old.example', KEY.enter);
  await press(app, '.typo');
  await waitFor(app, 'imap.old.example.typo');
  await press(app, KEY.esc);
  await waitFor(app, (f) => !f.includes('.typo') && f.includes('imap.old.example'));
  assert.equal(cancelled(), 0);
  await press(app, KEY.esc);
  await waitFor(app, 'Discard this sync?');
  await press(app, KEY.enter); // No is the default
  await waitFor(app, 'Step 1 of 3');
  assert.match(lineOf(app, 'IMAP server'), /imap\.old\.example/);
  assert.equal(cancelled(), 0);
  await press(app, KEY.esc);
  await waitFor(app, 'Discard this sync?');
  await press(app, 'y');
  assert.equal(cancelled(), 1);
});

test('Esc on an untouched step 1 cancels at once', async () => {
  const { app, cancelled } = await renderWizard();
  await press(app, KEY.esc);
  assert.equal(cancelled(), 1);
});

test('Connections per user: 0, 51 and "x" are refused with the range; a good value reaches the summary and the sync', async () => {
  const { app, backend, done } = await renderWizard();
  await press(app, 'imap.old.example', KEY.enter);
  for (const bad of ['0', '51', 'x']) {
    await focusField(app, 'Connections');
    await press(app, KEY.ctrlU, KEY.backspace, KEY.backspace, KEY.backspace, bad, KEY.tab);
    await waitFor(app, `✗ Connections per user must be a whole number`);
    // Continue refuses and names the field and the range in full.
    await press(app, KEY.enter);
    const text = await waitFor(app, /› Connections/);
    assert.match(text, new RegExp(`Connections per user must be a whole number from 1 to 50, not "${bad}"`));
    assert.match(text, /Step 1 of 3/);
    for (const line of text.split('\n')) assert.ok(line.length <= 80, `wider than 80: ${line}`);
  }
  await press(app, KEY.backspace, KEY.backspace, '6');
  await waitFor(app, (f) => !f.includes('Connections per user must be'));
  await press(app, KEY.enter, KEY.enter);
  await waitFor(app, 'Step 2 of 3');
  await waitFor(app, (f) => !f.includes('Loading'));
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  assert.match(lineOf(app, 'Connections'), /Connections\s+6 per user/);
  await press(app, KEY.esc);
  await waitFor(app, 'Step 2 of 3');
  await press(app, KEY.esc);
  await waitFor(app, 'Step 1 of 3');
  assert.match(lineOf(app, 'Connections'), /Connections\s+6 /);
  await press(app, KEY.enter);
  await waitFor(app, 'Step 2 of 3');
  await press(app, KEY.enter);
  await waitFor(app, 'Step 3 of 3');
  await press(app, KEY.enter);
  await until(() => done.length === 1);
  assert.equal(backend.syncs.at(-1)!.connections, 6);
});

test('typing into a number field holding its default replaces it (Port 143, type 99999: 99999)', async () => {
  const { app } = await renderWizard();
  await focusField(app, 'Port');
  await press(app, '99999');
  await waitFor(app, /Port\s+99999/);
  assert.doesNotMatch(frame(app), /14399999/);
  // Esc gives the default back; the same in one read of several keys.
  await press(app, KEY.esc);
  await waitFor(app, /Port\s+143\b/);
  await focusField(app, 'Threads');
  await press(app, '4', KEY.tab);
  await waitFor(app, /Threads\s+4\b/);
});
