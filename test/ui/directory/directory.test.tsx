import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import { ScreenRouter } from '../../../source/ui/router.tsx';
import { DirectoryScreen } from '../../../source/ui/directory/DirectoryScreen.tsx';
import { createFakeBackend } from '../fakeBackend.ts';
import { flat, frame, KEY, press, until, waitFor, type Instance } from '../wizard/support.ts';

afterEach(() => cleanup());

async function renderDirectory() {
  const backend = createFakeBackend();
  let backs = 0;
  const app = render(
    <ScreenRouter>
      <DirectoryScreen backend={backend} isActive width={80} height={22} onBack={() => backs++} />
    </ScreenRouter>,
  );
  await waitFor(app, '2 of 2 accounts');
  return { app, backend, backs: () => backs };
}

const line = (app: Instance, text: string) =>
  frame(app)
    .split('\n')
    .find((l) => l.includes(text)) ?? '';

test('the table lists Email, Admin, Name and Password set, never a password', async () => {
  const { app } = await renderDirectory();
  assert.match(frame(app), /Email\s+Admin\s+Name\s+Password set/);
  assert.match(line(app, 'ann@example.com'), /› ann@example\.com\s+yes\s+yes/);
  assert.match(line(app, 'ben@example.com'), /ben@example\.com\s+no\s+Ben\s+yes/);
  for (const l of frame(app).split('\n')) assert.ok(l.length <= 80, l);
});

test('add: a form with a masked password; a duplicate is refused with the message', async () => {
  const { app, backend } = await renderDirectory();
  await press(app, 'n');
  await waitFor(app, 'Add an account');
  await press(app, 'not an email', KEY.tab);
  await waitFor(app, '✗ Email:');
  await press(
    app,
    KEY.shiftTab,
    KEY.ctrlU,
    'cat@example.com',
    KEY.tab,
    'hunter2',
    KEY.tab,
    KEY.space,
    KEY.tab,
    'Cat Stevens',
  );
  await waitFor(app, /Password\s+•••••••/);
  assert.ok(!frame(app).includes('hunter2'));
  await press(app, KEY.enter, KEY.enter);
  await waitFor(app, 'cat@example.com added');
  assert.match(line(app, 'cat@example.com'), /› cat@example\.com\s+yes\s+Cat Stevens\s+yes/);
  assert.ok(backend.calls.includes('addAccount cat@example.com'));
  await press(app, 'n', 'ann@example.com', KEY.enter, KEY.enter);
  await waitFor(app, 'ann@example.com is already in the directory');
  assert.match(frame(app), /Add an account/);
  await press(app, KEY.esc);
  await waitFor(app, '3 of 3 accounts');
});

test('edit: a blank password keeps the old one; admin and name change', async () => {
  const { app, backend } = await renderDirectory();
  await press(app, KEY.down, 'e');
  await waitFor(app, 'Edit ben@example.com');
  assert.match(flat(app), /blank keeps the current one/);
  await press(app, KEY.tab, KEY.space, KEY.tab, KEY.ctrlU, 'Benjamin', KEY.enter, KEY.enter);
  await waitFor(app, 'ben@example.com saved');
  assert.match(line(app, 'ben@example.com'), /ben@example\.com\s+yes\s+Benjamin\s+yes/);
  assert.ok(backend.calls.includes('updateAccount ben@example.com {"admin":true,"displayName":"Benjamin"}'));
  await press(app, 'e', 'newpass', KEY.enter, KEY.enter);
  await waitFor(app, 'ben@example.com saved');
  assert.ok(backend.calls.includes('updateAccount ben@example.com {"password":"***"}'));
});

test('A toggles admin', async () => {
  const { app, backend } = await renderDirectory();
  await press(app, 'A');
  await waitFor(app, 'ann@example.com is no longer an admin account');
  assert.match(line(app, 'ann@example.com'), /ann@example\.com\s+no/);
  assert.ok(backend.calls.includes('updateAccount ann@example.com {"admin":false}'));
});

test('remove asks first, No by default', async () => {
  const { app, backend } = await renderDirectory();
  await press(app, KEY.down, 'd');
  await waitFor(app, 'Remove ben@example.com from the directory?');
  await press(app, KEY.enter);
  await waitFor(app, 'ben@example.com kept');
  assert.ok(!backend.calls.some((c) => c.startsWith('removeAccount')));
  await press(app, 'd');
  await waitFor(app, 'Remove ben@example.com');
  await press(app, 'y');
  await waitFor(app, 'ben@example.com removed');
  await waitFor(app, '1 of 1 accounts');
  assert.ok(!line(app, 'ben@').includes('ben@example.com  '));
});

test('import: a rejected file shows the message and every bad row; a good one imports', async () => {
  const { app, backend } = await renderDirectory();
  await press(app, 'i');
  await waitFor(app, 'Import accounts from a CSV file');
  await press(app, '/tmp/bad.csv', KEY.enter);
  await waitFor(app, '✗ /tmp/bad.csv: 2 bad rows, nothing imported');
  assert.match(frame(app), /line 3: not an email address/);
  assert.match(frame(app), /line 5: admin must be yes or no/);
  await press(app, KEY.enter, KEY.ctrlU, '/tmp/good.csv', KEY.enter);
  await waitFor(app, '/tmp/good.csv: 2 added, 0 updated');
  assert.deepEqual(
    backend.calls.filter((c) => c.startsWith('import')),
    ['importAccountsCsv /tmp/bad.csv', 'importAccountsCsv /tmp/good.csv'],
  );
});

test('many bad rows scroll', async () => {
  const { app, backend } = await renderDirectory();
  backend.importAccountsCsv = async () => {
    throw Object.assign(new Error('x.csv: 40 bad rows, nothing imported'), {
      details: Array.from({ length: 40 }, (_, i) => `line ${i + 2}: bad row ${i + 1}`),
    });
  };
  await press(app, 'i', 'x.csv', KEY.enter);
  await waitFor(app, 'bad row 1');
  assert.ok(!frame(app).includes('bad row 40'));
  await press(app, KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.pageDown);
  await waitFor(app, 'bad row 40');
  await press(app, KEY.esc);
  await waitFor(app, 'Account directory');
});

test('/ filters live; Esc clears the filter, then goes back', async () => {
  const { app, backs } = await renderDirectory();
  await press(app, '/', 'ben');
  await waitFor(app, '1 of 2 accounts');
  assert.ok(!frame(app).includes('ann@example.com'));
  await press(app, KEY.enter);
  await waitFor(app, 'Filter: /ben (Esc clears)');
  await press(app, KEY.esc);
  await waitFor(app, '2 of 2 accounts');
  assert.equal(backs(), 0);
  await press(app, KEY.esc);
  await until(() => backs() === 1);
});

test('the remove dialog names the syncs that use the account', async () => {
  const { app } = await renderDirectory();
  await press(app, 'd');
  await waitFor(app, 'Remove ann@example.com from the directory?');
  const text = await waitFor(app, 'Used by 2 syncs:');
  const flatText = text.replace(/[\s│]+/g, ' ');
  assert.match(flatText, /sync0002 \(imap\.old\.example\), sync0001 \(imap\.old\.example\)/);
  await press(app, 'n');
  await waitFor(app, 'ann@example.com kept');
});
