// Every history entry type of docs/spec.md D5 is written by the event it names, with the OS user for
// actions taken by a person and none for the system.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { accessFrom } from '../../source/cli/engine.ts';
import { syncRepository } from '../../source/cli/syncRepository.ts';
import { SyncManager, type NotifyPort } from '../../source/engine/syncManager.ts';
import { defaultSyncSettings, HISTORY_TYPES, type SyncSettings } from '../../source/engine/syncModel.ts';
import { NedbCopyStateStore } from '../../source/store/copyState.ts';
import { openStore, type Store } from '../../source/store/store.ts';
import { tempDir } from '../cli/support.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { makeMessage, seedMailbox } from '../helpers/mail.ts';

const kim = { name: 'kim@example.com', password: 'kim-pass' };
const lee = { name: 'lee@example.com', password: 'lee-pass' };
let source: Dovecot;
let destination: Dovecot;
let store: Store;

before(async () => {
  [source, destination] = await Promise.all([startDovecot({ users: [kim, lee] }), startDovecot({ users: [kim, lee] })]);
  await seedMailbox(source, kim.name, [
    {
      path: 'INBOX',
      messages: Array.from({ length: 600 }, (_, i) => ({ raw: makeMessage({ subject: `k${i}`, sizeBytes: 20_000 }) })),
    },
  ]);
  store = await openStore({ dataDir: path.join(tempDir(), 'data'), write: true });
  store.settings.setDestination({ host: '127.0.0.1', port: destination.port, tls: 'none', allowInvalidCert: false });
  for (const user of [kim, lee]) await store.accounts.add({ email: user.name, password: user.password });
});

after(async () => {
  await store?.close();
  await Promise.all([source?.stop(), destination?.stop()]);
});

test('history: every entry type, users for people and none for the system', async () => {
  let sends = 0;
  // Every other notification fails, as an SMTP server that is down sometimes would.
  const notifier: NotifyPort = {
    notify: async () =>
      (sends += 1) % 2 === 0 ? { ok: true, detail: 'to ops@example.com' } : { ok: false, detail: 'SMTP down' },
  };
  const manager = new SyncManager({
    syncs: syncRepository(store),
    state: new NedbCopyStateStore(store.db.collection('copy_state') as never),
    access: accessFrom(store),
    notifier,
  });
  const settings = (overrides: Partial<SyncSettings> = {}): SyncSettings =>
    defaultSyncSettings(
      { host: '127.0.0.1', port: source.port, tls: 'none', allowInvalidCert: false },
      [{ email: kim.name, remoteUser: kim.name }],
      {
        dryRun: false,
        group: 'specific',
        start: 'manual',
        notify: ['ops@example.com'],
        ...overrides,
      },
    );

  const long = await manager.create(settings(), 'alice');
  // Each control right after a start: the run is going then, however fast the machine.
  await manager.start(long.id, 'alice');
  await manager.pause(long.id, 'alice');
  // Start on a paused sync resumes the same run.
  await manager.start(long.id, 'alice');
  await manager.pause(long.id, 'alice');
  await manager.setThreads(long.id, 2, 'alice');
  await manager.addNote(long.id, 'paused for the backup window', 'alice');
  await manager.restart(long.id, 'alice');
  await manager.stop(long.id, 'alice');
  await manager.restart(long.id, 'alice');
  await manager.shutdown();
  assert.equal((await syncRepository(store).get(long.id)).status, 'Scheduled', 'a system pause leaves the sync due');
  // The run the system paused goes on (System Resume); a sync due now starts (System Start).
  const due = await manager.create(settings({ start: 'now', dryRun: true }), 'alice');
  assert.deepEqual((await manager.tick()).started.sort(), [long.id, due.id].sort());
  await manager.waitFor(long.id);
  await manager.waitFor(due.id);

  const failing = await manager.create(
    settings({ accounts: [{ email: lee.name, remoteUser: lee.name, remotePassword: 'wrong' }] }),
    'bob',
  );
  await manager.start(failing.id, 'bob');
  assert.equal((await manager.waitFor(failing.id))!.status, 'Complete with errors');
  await manager.create(settings(), 'bob', failing.id);

  const repository = syncRepository(store);
  const crashed = await manager.create(settings({ dryRun: true }), 'bob');
  await repository.startRun(crashed.id);
  await repository.setStatus(crashed.id, 'Running');
  await manager.recoverInterrupted();
  await manager.idle();

  const entries = (await Promise.all((await repository.list()).map((sync) => repository.historyOf(sync.id)))).flat();
  const seen = new Set(entries.map((entry) => entry.type));
  assert.deepEqual(
    HISTORY_TYPES.filter((type) => !seen.has(type)),
    [],
    'every type written',
  );
  const people = [
    'Sync - User Start',
    'Sync - User Pause',
    'Sync - User Resume',
    'Sync - User Stop',
    'Sync - User Restart',
    'Threads Changed',
    'Note',
    'Sync - Created',
    'Sync - Recreated',
  ];
  for (const entry of entries) {
    if (people.includes(entry.type)) assert.ok(['alice', 'bob'].includes(entry.user), `${entry.type} by ${entry.user}`);
    else assert.equal(entry.user, '', `${entry.type} is the system's`);
  }
});
