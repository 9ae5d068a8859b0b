import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import type { DashboardBackend } from '../../../source/ui/backend.ts';
import { ScreenRouter } from '../../../source/ui/router.tsx';
import { SettingsScreen } from '../../../source/ui/settings/SettingsScreen.tsx';
import { createFakeBackend } from '../fakeBackend.ts';
import { flat, frame, KEY, press, until, waitFor, type Instance } from '../wizard/support.ts';

afterEach(() => cleanup());

const CTRL_T = '\u0014';

async function renderSettings() {
  const backend = createFakeBackend();
  const destinations: Parameters<DashboardBackend['setDestination']>[0][] = [];
  const smtps: Parameters<DashboardBackend['setSmtp']>[0][] = [];
  const setDestination = backend.setDestination;
  backend.setDestination = async (settings) => {
    destinations.push(settings);
    return setDestination(settings);
  };
  backend.setSmtp = async (settings) => {
    smtps.push(settings);
  };
  let backs = 0;
  const app = render(
    <ScreenRouter>
      <SettingsScreen backend={backend} isActive width={80} height={22} onBack={() => backs++} />
    </ScreenRouter>,
  );
  await waitFor(app, 'Destination IMAP server');
  return { app, backend, destinations, smtps, backs: () => backs };
}

const line = (app: Instance, text: string) =>
  frame(app)
    .split('\n')
    .find((l) => l.includes(text)) ?? '';

async function focus(app: Instance, label: string) {
  for (let i = 0; i < 16; i++) {
    if (frame(app).includes(`› ${label}`)) return;
    await press(app, KEY.tab);
  }
  throw new Error(`no focus on ${label}`);
}

test('shows the stored destination; the admin password is never shown, only whether it is set', async () => {
  const { app } = await renderSettings();
  assert.match(line(app, 'Host'), /imap\.new\.example/);
  assert.match(line(app, 'Port'), /993/);
  assert.match(line(app, 'TLS'), /\(•\) TLS \(implicit\)/);
  assert.match(line(app, 'Admin user'), /admin/);
  assert.match(line(app, 'Admin password'), /stored \(blank keeps it\)/);
  assert.match(flat(app), /admin password set/);
  assert.match(flat(app), /SMTP for notifications not set yet/);
  for (const l of frame(app).split('\n')) assert.ok(l.length <= 80, l);
});

test('save checks every field first and moves the cursor to the wrong one', async () => {
  const { app, destinations } = await renderSettings();
  await press(app, KEY.ctrlU, KEY.tab, KEY.ctrlU, '70000', KEY.enter);
  await waitFor(app, 'Port must be a whole number from 1 to 65535');
  await press(app, KEY.enter);
  await waitFor(app, /› Host/);
  assert.match(flat(app), /Host needs a host name or IP address/);
  assert.equal(destinations.length, 0);
});

test('save the destination: a blank password keeps the stored one, a typed one is sent masked on screen', async () => {
  const { app, destinations } = await renderSettings();
  await press(app, KEY.ctrlU, 'mail.new.example', KEY.enter, KEY.enter);
  await waitFor(app, 'Destination saved');
  assert.deepEqual(destinations[0], {
    host: 'mail.new.example',
    port: 993,
    tls: 'tls',
    allowInvalidCert: false,
    adminUser: 'admin',
  });
  await focus(app, 'Admin password');
  await press(app, 'Sup3rSecret');
  await waitFor(app, /Admin password\s+•{11}/);
  assert.ok(!frame(app).includes('Sup3rSecret'));
  await press(app, KEY.enter, KEY.enter);
  await until(() => destinations.length === 2);
  assert.equal(destinations[1].adminPassword, 'Sup3rSecret');
  await waitFor(app, (f) => !/Admin password\s+•/.test(f));
});

test('the port follows TLS; a new admin user needs a password', async () => {
  const { app, destinations } = await renderSettings();
  await focus(app, 'TLS');
  await press(app, KEY.right); // tls -> none
  await waitFor(app, /Port\s+143/);
  await focus(app, 'Admin user');
  await press(app, KEY.ctrlU, 'master', KEY.enter, KEY.enter);
  await waitFor(app, 'Admin password is needed with a new admin user');
  assert.match(frame(app), /› Admin password/);
  assert.equal(destinations.length, 0);
});

test('Ctrl+T tests the destination: OK, or the reason', async () => {
  const { app, backend } = await renderSettings();
  await press(app, CTRL_T);
  await waitFor(app, 'Connection test: ✓ OK: logged in');
  backend.testDestination = async (account) => ({
    ok: false,
    code: 'AUTH_FAILED',
    reason: `login as ${account} refused by imap.new.example:993 (TLS)`,
  });
  await focus(app, 'Test as');
  await press(app, 'ann@example.com', KEY.enter, CTRL_T);
  await waitFor(app, 'Connection test: ✗ AUTH_FAILED: login as ann@example.com refused');
});

test('Ctrl+T with unsaved changes saves first', async () => {
  const { app, backend, destinations } = await renderSettings();
  await focus(app, 'Certificate');
  await press(app, KEY.space, CTRL_T);
  await waitFor(app, 'Connection test: ✓ OK');
  assert.equal(destinations[0].allowInvalidCert, true);
  assert.ok(backend.calls.indexOf('testDestination') > backend.calls.findIndex((c) => c.startsWith('setDestination')));
});

test('SMTP: every field checked, then saved; the password masked', async () => {
  const { app, smtps } = await renderSettings();
  await focus(app, 'SMTP host');
  await press(app, 'smtp.example.com', KEY.tab, KEY.tab, KEY.right); // starttls -> tls
  await waitFor(app, /Port\s+465/);
  await focus(app, 'User');
  await press(app, 'mailer', KEY.tab, 'p4ss', KEY.tab, 'not-an-address', KEY.enter, KEY.enter);
  await waitFor(app, 'From: "not-an-address" is not a valid email address');
  assert.match(frame(app), /› From/);
  assert.equal(smtps.length, 0);
  assert.ok(!frame(app).includes('p4ss'));
  await press(app, KEY.ctrlU, 'migration@example.com', KEY.enter, KEY.enter);
  await waitFor(app, 'SMTP settings saved');
  assert.deepEqual(smtps[0], {
    host: 'smtp.example.com',
    port: 465,
    tls: 'tls',
    allowInvalidCert: false,
    user: 'mailer',
    password: 'p4ss',
    from: 'migration@example.com',
  });
});

test('Esc asks before leaving unsaved changes; without changes it goes back', async () => {
  const { app, backs } = await renderSettings();
  await press(app, 'x', KEY.enter, KEY.esc);
  await waitFor(app, 'Leave without saving?');
  await press(app, 'n');
  await waitFor(app, 'Destination IMAP server');
  assert.equal(backs(), 0);
  await press(app, KEY.esc);
  await waitFor(app, 'Leave without saving?');
  await press(app, 'y');
  assert.equal(backs(), 1);
});

test('a failed Ctrl+T test shows its whole reason at 80 columns, wrapped', async () => {
  const { app, backend } = await renderSettings();
  const advice = 'no admin login set: choose an account to test with in Test as, or set an admin login above';
  backend.testDestination = async () => ({ ok: false, code: 'AUTH_FAILED', reason: advice });
  await press(app, CTRL_T);
  await waitFor(app, (f) => f.replace(/\s+/g, ' ').includes(`✗ AUTH_FAILED: ${advice}`));
  for (const l of frame(app).split('\n')) assert.ok(l.length <= 80, l);
});
