// The sync lifecycle in one process (docs/spec.md D2–D5): threads, live thread changes, pause and
// restart, stop, history, against two real Dovecots and a real store.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createSyncManager } from '../../source/cli/engine.ts';
import type { ManagerEvent, SyncManager } from '../../source/engine/syncManager.ts';
import type { AccountEvent } from '../../source/engine/types.ts';
import { defaultSyncSettings, type SyncSettings } from '../../source/engine/syncModel.ts';
import { openStore, type Store } from '../../source/store/store.ts';
import { syncRepository } from '../../source/cli/syncRepository.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { tempDir } from '../cli/support.ts';

const users = Array.from({ length: 6 }, (_, i) => ({ name: `user${i}@example.com`, password: `pass-${i}` }));
let source: Dovecot;
let destination: Dovecot;
let store: Store;
let manager: SyncManager;

before(async () => {
  [source, destination] = await Promise.all([startDovecot({ users }), startDovecot({ users })]);
  for (const user of users) {
    await seedMailbox(source, user.name, [
      {
        path: 'INBOX',
        messages: Array.from({ length: 120 }, (_, i) => ({
          raw: makeMessage({ subject: `${user.name} ${i}`, sizeBytes: 4000 }),
        })),
      },
    ]);
  }
  store = await openStore({ dataDir: path.join(tempDir(), 'data'), write: true });
  store.settings.setDestination({ host: '127.0.0.1', port: destination.port, tls: 'none', allowInvalidCert: false });
  for (const user of users) await store.accounts.add({ email: user.name, password: user.password });
  manager = createSyncManager(store);
});

after(async () => {
  await manager?.shutdown();
  await store?.close();
  await Promise.all([source?.stop(), destination?.stop()]);
});

function settings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  const accounts = users.map((user) => ({ email: user.name, remoteUser: user.name }));
  return defaultSyncSettings({ host: '127.0.0.1', port: source.port, tls: 'none', allowInvalidCert: false }, accounts, {
    dryRun: false,
    start: 'manual',
    ...overrides,
  });
}

/** Resolves at the first account event that matches (events come while the run goes on). */
function firstEvent(syncId: string, matches: (event: AccountEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const listener = (event: ManagerEvent) => {
      if (event.type === 'account' && event.syncId === syncId && matches(event.event)) {
        manager.off('event', listener);
        resolve();
      }
    };
    manager.on('event', listener);
  });
}

/** Highest number of accounts running at once while the run goes, sampled on every event. */
function watchConcurrency(syncId: string): { peak: () => number; afterMark: () => number; mark: () => void } {
  let peak = 0;
  let peakAfterMark = 0;
  let marked = false;
  manager.on('event', () => {
    const live = manager.liveRuns().find((run) => run.syncId === syncId);
    const running = live ? live.accounts.filter((account) => account.status === 'running').length : 0;
    peak = Math.max(peak, running);
    if (marked) peakAfterMark = Math.max(peakAfterMark, running);
  });
  return { peak: () => peak, afterMark: () => peakAfterMark, mark: () => (marked = true) };
}

async function destinationEqualsSource(): Promise<void> {
  for (const user of users) {
    const differences = compareMailboxes(
      await readMailbox(source, user.name),
      await readMailbox(destination, user.name),
      { ignoreEmptyExtraFolders: true },
    );
    assert.deepEqual(differences, [], user.name);
  }
}

test('threads 1 runs one account at a time; raised to 3 while running, three at once', async () => {
  const sync = await manager.create(settings({ threads: 1, dryRun: true }), 'tester');
  const watch = watchConcurrency(sync.id);
  const firstDone = firstEvent(sync.id, (event) => event.type === 'status' && event.status === 'complete');
  await manager.start(sync.id, 'tester');
  // Once the first account is done (five still to go), raise the thread count live.
  await firstDone;
  assert.equal(watch.peak(), 1);
  watch.mark();
  await manager.setThreads(sync.id, 3, 'tester');
  const outcome = (await manager.waitFor(sync.id))!;
  assert.equal(outcome.status, 'Complete');
  assert.ok(watch.afterMark() >= 2, `after the change up to ${watch.afterMark()} accounts ran at once`);
  assert.ok(watch.afterMark() <= 3);
  const history = await syncRepository(store).historyOf(sync.id);
  assert.ok(
    history.some((entry) => entry.type === 'Threads Changed' && entry.note === '1 to 3' && entry.user === 'tester'),
  );
});

test('pause stops at a safe point; restart continues with nothing lost or copied twice', async () => {
  const sync = await manager.create(settings({ threads: 2 }), 'tester');
  const copying = firstEvent(sync.id, (event) => event.type === 'counters' && event.counters.downloaded > 0);
  await manager.start(sync.id, 'tester');
  await copying;
  assert.equal(await manager.pause(sync.id, 'tester'), 'Paused');
  const repository = syncRepository(store);
  assert.equal((await repository.get(sync.id)).status, 'Paused');
  const [pausedRun] = await repository.runsOf(sync.id);
  const copiedBeforePause = (await repository.accountRunsOf(pausedRun.id)).reduce(
    (sum, a) => sum + a.counters.downloaded,
    0,
  );
  assert.ok(copiedBeforePause < users.length * 120, `paused before the end (${copiedBeforePause} copied)`);

  await manager.restart(sync.id, 'tester');
  const outcome = (await manager.waitFor(sync.id))!;
  assert.equal(outcome.status, 'Complete');
  const copiedAfter = outcome.accounts.reduce((sum, a) => sum + a.counters.downloaded, 0);
  assert.equal(copiedBeforePause + copiedAfter, users.length * 120, 'every message copied exactly once over both runs');
  await destinationEqualsSource();
  const types = (await repository.historyOf(sync.id)).map((entry) => entry.type);
  for (const type of [
    'Sync - Created',
    'Sync - User Start',
    'Sync - User Pause',
    'Sync - User Restart',
    'Sync - Complete',
  ]) {
    assert.ok(types.includes(type as never), `history has ${type}: ${types.join(', ')}`);
  }
  assert.equal((await repository.runsOf(sync.id)).length, 2, 'a restart is a new run');
});

test('pause then start resumes the same run: counters add up, the pause is not running time', async () => {
  // New mail on the source since the earlier tests copied everything: 120 more per account.
  for (const user of users) {
    const messages = Array.from({ length: 120 }, (_, i) => ({
      raw: makeMessage({ subject: `later ${user.name} ${i}`, sizeBytes: 4000 }),
    }));
    await seedMailbox(source, user.name, [{ path: 'Later', messages }]);
  }
  const sync = await manager.create(settings({ threads: 2 }), 'tester');
  const repository = syncRepository(store);
  const copying = firstEvent(sync.id, (event) => event.type === 'counters' && event.counters.downloaded > 0);
  const run = await manager.start(sync.id, 'tester');
  await copying;
  assert.equal(await manager.pause(sync.id, 'tester'), 'Paused');
  const copiedBeforePause = (await repository.accountRunsOf(run.id)).reduce((sum, a) => sum + a.counters.downloaded, 0);
  assert.ok(copiedBeforePause > 0 && copiedBeforePause < users.length * 120, `${copiedBeforePause} copied`);
  const pausedRun = (await repository.runsOf(sync.id))[0];
  assert.equal(pausedRun.status, 'Paused');
  assert.ok(pausedRun.pausedAt, 'the run keeps when it paused');
  await new Promise((resolve) => setTimeout(resolve, 600));

  const resumed = await manager.start(sync.id, 'tester');
  assert.equal(resumed.id, run.id, 'start on a paused sync goes on with the same run');
  const outcome = (await manager.waitFor(sync.id))!;
  assert.equal(outcome.status, 'Complete');
  const runs = await repository.runsOf(sync.id);
  assert.equal(runs.length, 1, 'no new run');
  assert.ok((runs[0].pausedMs ?? 0) >= 500, `paused time kept apart: ${runs[0].pausedMs}`);
  const stored = await repository.accountRunsOf(run.id);
  assert.equal(
    stored.reduce((sum, a) => sum + a.counters.downloaded, 0),
    users.length * 120,
    'the run counts every message once, before and after the pause',
  );
  assert.ok(stored.every((a) => a.status === 'complete' && a.counters.downloaded === 120));
  assert.ok(
    stored.every((a) => a.counters.messages === 240),
    'Msgs: the whole source, after the resume too',
  );
  await destinationEqualsSource();
  const history = await repository.historyOf(sync.id);
  assert.ok(history.some((entry) => entry.type === 'Sync - User Pause' && entry.user === 'tester'));
  assert.ok(history.some((entry) => entry.type === 'Sync - User Resume' && entry.user === 'tester'));
});

test('stop on a sync that never ran is refused; a stopped sync starts again', async () => {
  const sync = await manager.create(settings({ dryRun: true }), 'tester');
  await assert.rejects(manager.stop(sync.id, 'tester'), /stop does not apply to a Manual sync: nothing to stop/);
  assert.equal((await syncRepository(store).get(sync.id)).status, 'Manual');
  await manager.start(sync.id, 'tester');
  assert.equal(await manager.stop(sync.id, 'tester'), 'Stopped');
  await manager.start(sync.id, 'tester');
  assert.equal((await manager.waitFor(sync.id))!.status, 'Complete');
});

test('thread changes in quick succession make one history entry', async () => {
  const sync = await manager.create(settings({ threads: 3, dryRun: true }), 'tester');
  for (const threads of [4, 5, 6]) await manager.setThreads(sync.id, threads, 'tester');
  const changes = (await syncRepository(store).historyOf(sync.id)).filter((e) => e.type === 'Threads Changed');
  assert.deepEqual(
    changes.map((e) => [e.note, e.user]),
    [['3 to 6', 'tester']],
  );
});

test('stop, then restart; controls refused where they do not apply', async () => {
  const sync = await manager.create(settings({ mode: 'flags-new', threads: 1 }), 'tester');
  await assert.rejects(manager.restart(sync.id, 'tester'), /restart does not apply to a Manual sync/);
  await assert.rejects(manager.pause(sync.id, 'tester'), /pause does not apply to a Manual sync/);
  await manager.start(sync.id, 'tester');
  await assert.rejects(manager.start(sync.id, 'tester'), /already running/);
  assert.equal(await manager.stop(sync.id, 'tester'), 'Stopped');
  await manager.addNote(sync.id, 'checked by the admin', 'tester');
  await manager.restart(sync.id, 'tester');
  assert.equal((await manager.waitFor(sync.id))!.status, 'Complete');
  const history = await syncRepository(store).historyOf(sync.id);
  assert.ok(history.some((entry) => entry.type === 'Sync - User Stop' && entry.user === 'tester'));
  assert.ok(history.some((entry) => entry.type === 'Note' && entry.note === 'checked by the admin'));
  assert.ok(history[0].at >= history[history.length - 1].at, 'newest first');
});

test('a sync left Running by a dead process is Interrupted, then restarts', async () => {
  const sync = await manager.create(settings({ dryRun: true }), 'tester');
  const repository = syncRepository(store);
  const run = await repository.startRun(sync.id);
  await repository.setStatus(sync.id, 'Running');
  assert.deepEqual(await manager.recoverInterrupted(), [sync.id]);
  assert.equal((await repository.get(sync.id)).status, 'Interrupted');
  assert.equal((await repository.runsOf(sync.id)).find((r) => r.id === run.id)?.status, 'Interrupted');
  assert.ok(
    (await repository.historyOf(sync.id)).some((entry) => entry.type === 'Sync - Interrupted' && entry.user === ''),
  );
  await manager.restart(sync.id, 'tester');
  assert.equal((await manager.waitFor(sync.id))!.status, 'Complete');
});

test('test-auth reports each account on both sides', async () => {
  const sync = await manager.create(
    settings({
      accounts: [
        { email: users[0].name, remoteUser: users[0].name },
        { email: users[1].name, remoteUser: users[1].name, remotePassword: 'wrong' },
      ],
    }),
    'tester',
  );
  const checks = await manager.testAuth(sync.id);
  assert.deepEqual(
    checks.map((c) => [c.account, c.source.ok, c.destination.ok]),
    [
      [users[0].name, true, true],
      [users[1].name, false, true],
    ],
  );
});
