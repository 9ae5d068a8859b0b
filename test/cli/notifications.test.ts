// Notifications (docs/spec.md N1) received on a real SMTP server: run start, run end with the
// per-account table, an account failure; each recorded in the history.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { makeMessage, seedMailbox } from '../helpers/mail.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink.ts';
import { createNotifier, createSyncManager } from '../../source/cli/engine.ts';
import { defaultSyncSettings } from '../../source/engine/syncModel.ts';
import { openStore } from '../../source/store/store.ts';
import { run, runOk, setUpDataDir, tempDir } from './support.ts';

const good = { name: 'good@example.com', password: 'good-pass' };
const bad = { name: 'bad@example.com', password: 'bad-pass' };
const busy = { name: 'busy@example.com', password: 'busy-pass' };
let source: Dovecot;
let destination: Dovecot;
let smtp: SmtpSink;

before(async () => {
  [source, destination, smtp] = await Promise.all([
    startDovecot({ users: [good, { ...bad, password: 'other-on-source' }, busy] }),
    startDovecot({ users: [good, bad, busy] }),
    startSmtpSink(),
  ]);
  await seedMailbox(source, good.name, [{ path: 'INBOX', messages: [{ raw: makeMessage({ subject: 'hello' }) }] }]);
  await seedMailbox(source, busy.name, [
    {
      path: 'INBOX',
      messages: Array.from({ length: 400 }, (_, i) => ({ raw: makeMessage({ subject: `b${i}`, sizeBytes: 20_000 }) })),
    },
  ]);
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop(), smtp?.close()]);
});

test('a run sends start, account-failed and end notifications, each in the history', async () => {
  const dataDir = path.join(tempDir(), 'data');
  const ok = (args: string[]) => runOk(args, dataDir);
  await setUpDataDir(dataDir, destination.port, [good, bad]);
  await ok([
    'smtp',
    'set',
    '--host',
    '127.0.0.1',
    '--port',
    String(smtp.port),
    '--tls',
    'none',
    '--from',
    'migrate@example.com',
  ]);
  const id = await ok([
    'sync',
    'create',
    '--host',
    '127.0.0.1',
    '--port',
    String(source.port),
    '--tls',
    'none',
    '--mode',
    'new',
    '--no-dry-run',
    '--notify',
    'admin@example.com; boss@example.com',
  ]);
  const result = await run(['sync', 'run', id], { dataDir });
  assert.equal(result.code, 1, 'one account failed');

  const subjects = smtp.received.map((mail) => mail.subject);
  assert.equal(smtp.received.length, 3, subjects.join('\n'));
  assert.ok(smtp.received.every((mail) => mail.to.sort().join(',') === 'admin@example.com,boss@example.com'));
  const end = smtp.received.find((mail) => /complete with errors/i.test(mail.subject));
  assert.ok(end, subjects.join('\n'));
  assert.match(end.text, /good@example\.com\s+complete\s+1\s+1/i);
  assert.match(end.text, /AUTH_FAILED/);
  assert.ok(smtp.received.some((mail) => /bad@example\.com/.test(mail.subject) || /failed/i.test(mail.subject)));
  for (const mail of smtp.received) assert.doesNotMatch(mail.raw, /good-pass|bad-pass|other-on-source/);

  const shown = JSON.parse((await run(['sync', 'show', id, '--json'], { dataDir })).stdout);
  const sent = shown.history.filter((entry: { type: string }) => entry.type === 'Notification Sent');
  assert.equal(sent.length, 3, JSON.stringify(shown.history));
});

test('stopping a running sync sends a stop notification naming who stopped it', async () => {
  const store = await openStore({ dataDir: path.join(tempDir(), 'data'), write: true });
  try {
    store.settings.setDestination({ host: '127.0.0.1', port: destination.port, tls: 'none', allowInvalidCert: false });
    store.settings.setSmtp({
      host: '127.0.0.1',
      port: smtp.port,
      tls: 'none',
      allowInvalidCert: false,
      from: 'migrate@example.com',
    });
    await store.accounts.add({ email: busy.name, password: busy.password });
    const manager = createSyncManager(store, createNotifier(store));
    const sync = await manager.create(
      defaultSyncSettings(
        { host: '127.0.0.1', port: source.port, tls: 'none', allowInvalidCert: false },
        [{ email: busy.name, remoteUser: busy.name }],
        {
          dryRun: false,
          start: 'manual',
          notify: ['ops@example.com'],
        },
      ),
      'alice-admin',
    );
    const before = smtp.received.length;
    const copying = new Promise<void>((resolve) =>
      manager.on('event', (event) => {
        if (event.type === 'account' && event.event.type === 'counters' && event.event.counters.downloaded > 0)
          resolve();
      }),
    );
    await manager.start(sync.id, 'alice-admin');
    await copying;
    assert.equal(await manager.stop(sync.id, 'alice-admin'), 'Stopped');
    await manager.idle();
    const mails = smtp.received.slice(before);
    const stopped = mails.find((mail) => /stop/i.test(mail.subject));
    assert.ok(stopped, mails.map((m) => m.subject).join('\n'));
    assert.match(stopped.text, /alice-admin/);
    assert.deepEqual(stopped.to, ['ops@example.com']);
  } finally {
    await store.close();
  }
});
