// Server-side failures (issue 7 item 3) with real Dovecot: a destination over quota in the
// middle of a folder (then the quota raised and a restart), a message the destination
// refuses as too big, a source folder that cannot be selected, connections kicked mid-run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createSyncManager } from '../../source/cli/engine.ts';
import { syncRepository } from '../../source/cli/syncRepository.ts';
import { defaultSyncSettings } from '../../source/engine/syncModel.ts';
import { ImapSession } from '../../source/imap/session.ts';
import { openStore } from '../../source/store/store.ts';
import { tempDir } from '../cli/support.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const full = { name: 'full@example.com', password: 'full-pass' };
const fine = { name: 'fine@example.com', password: 'fine-pass' };
const big = { name: 'big@example.com', password: 'big-pass' };
const locked = { name: 'locked@example.com', password: 'locked-pass' };
const kicked = { name: 'kicked@example.com', password: 'kicked-pass' };
let source: Dovecot;
let destination: Dovecot;
let limited: Dovecot;

const bulk = (prefix: string, count: number, size = 10_000) =>
  Array.from({ length: count }, (_, i) => ({ raw: makeMessage({ subject: `${prefix} ${i}`, sizeBytes: size }) }));

before(async () => {
  [source, destination, limited] = await Promise.all([
    startDovecot({ users: [full, fine, big, locked, kicked] }),
    startDovecot({ users: [{ ...full, quotaBytes: 150_000 }, fine, locked, kicked], quota: true }),
    startDovecot({ users: [big], appendLimitBytes: 200_000 }),
  ]);
  await seedMailbox(source, full.name, [{ path: 'INBOX', messages: bulk('full', 30) }]);
  await seedMailbox(source, fine.name, [{ path: 'INBOX', messages: bulk('fine', 30) }]);
  await seedMailbox(source, big.name, [
    {
      path: 'INBOX',
      messages: [
        ...bulk('small', 3),
        { raw: makeMessage({ subject: 'too big', sizeBytes: 400_000 }) },
        ...bulk('after', 3),
      ],
    },
  ]);
  await seedMailbox(source, locked.name, [
    { path: 'INBOX', messages: bulk('in', 5) },
    { path: 'Secret', messages: bulk('secret', 5) },
    { path: 'Open', messages: bulk('open', 5) },
  ]);
  await seedMailbox(source, kicked.name, [{ path: 'INBOX', messages: bulk('k', 600, 20_000) }]);
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop(), limited?.stop()]);
});

test('over quota mid-folder: that account stops with OVERQUOTA, others complete; after raising the quota a restart completes without duplicates', async () => {
  const store = await openStore({ dataDir: path.join(tempDir(), 'data'), write: true });
  try {
    store.settings.setDestination({ host: '127.0.0.1', port: destination.port, tls: 'none', allowInvalidCert: false });
    for (const user of [full, fine]) await store.accounts.add({ email: user.name, password: user.password });
    const manager = createSyncManager(store);
    const sync = await manager.create(
      defaultSyncSettings(
        { host: '127.0.0.1', port: source.port, tls: 'none', allowInvalidCert: false },
        [full, fine].map((user) => ({ email: user.name, remoteUser: user.name })),
        {
          dryRun: false,
          threads: 2,
          start: 'manual',
        },
      ),
      'tester',
    );
    await manager.start(sync.id, 'tester');
    const first = (await manager.waitFor(sync.id))!;
    assert.equal(first.status, 'Complete with errors');
    const byAccount = new Map(first.accounts.map((account) => [account.account, account]));
    assert.equal(byAccount.get(full.name)!.status, 'failed');
    assert.equal(byAccount.get(full.name)!.errors.at(-1)!.code, 'OVERQUOTA');
    assert.equal(byAccount.get(fine.name)!.status, 'complete');
    assert.ok(byAccount.get(full.name)!.counters.downloaded > 0, 'it stopped in the middle of the folder');

    await destination.setQuota(full.name, 10_000_000);
    await manager.restart(sync.id, 'tester');
    const second = (await manager.waitFor(sync.id))!;
    assert.equal(second.status, 'Complete', JSON.stringify(second.accounts.map((a) => a.errors)));
    for (const user of [full, fine]) {
      assert.deepEqual(
        compareMailboxes(await readMailbox(source, user.name), await readMailbox(destination, user.name), {
          ignoreEmptyExtraFolders: true,
        }),
        [],
        user.name,
      );
    }
    assert.equal((await syncRepository(store).runsOf(sync.id)).length, 2);
  } finally {
    await store.close();
  }
});

test('a message the destination refuses as too big is logged with folder and UID and skipped', async () => {
  const result = await run(jobBetween(source, limited, big, { mode: 'new' }), { state: tempStateStore().state });
  assert.equal(result.status, 'complete');
  assert.equal(result.counters.errors, 1);
  assert.equal(result.counters.downloaded, 6);
  assert.equal(result.errors[0].code, 'APPEND_FAILED');
  assert.match(result.errors[0].detail, /^INBOX UID 4 \(\d+ bytes\): .*(size|larger|limit)/i);
});

test('a source folder that cannot be selected is logged; the other folders are copied', async () => {
  const folderDir = path.join(source.dir, 'home', locked.name, 'Maildir', 'Secret');
  assert.ok(fs.existsSync(folderDir), folderDir);
  fs.chmodSync(folderDir, 0o000);
  try {
    const result = await run(jobBetween(source, destination, locked, { mode: 'new' }), {
      state: tempStateStore().state,
    });
    assert.equal(result.status, 'complete');
    assert.equal(result.counters.errors, 1);
    assert.equal(result.errors[0].code, 'FOLDER_FAILED');
    assert.match(result.errors[0].detail, /^Secret: /);
    assert.equal(result.counters.downloaded, 10);
  } finally {
    fs.chmodSync(folderDir, 0o700);
  }
});

test('connections kicked by the server (BYE) mid-run are reopened and the account completes', async () => {
  const job = jobBetween(source, destination, kicked, { mode: 'new', retryBaseMs: 50 });
  // Kick as soon as messages are moving (twice). The source's next FETCH waits for the kick to
  // be done, so it meets the closed connection however fast the machine copies the rest.
  let kicks = 0;
  let kicking: Promise<void> | undefined;
  let inProgress = false;
  const result = await run(job, {
    state: tempStateStore().state,
    openSession: async (side, access, options) => {
      const session = await ImapSession.open(access.endpoint, access.credentials, options);
      if (side === 'source') {
        const fetchSources = session.fetchSources.bind(session);
        session.fetchSources = async (uids) => {
          await kicking;
          return fetchSources(uids);
        };
      }
      return session;
    },
    emit: (event) => {
      if (event.type !== 'counters' || event.counters.downloaded === 0 || inProgress || kicks >= 2) return;
      inProgress = true;
      kicks += 1;
      // doveadm returns once the imap process is told; its BYE follows shortly.
      kicking = source
        .kickAll(kicked.name)
        .then(() => new Promise<void>((resolve) => setTimeout(resolve, 200)))
        .finally(() => (inProgress = false));
    },
  });
  assert.ok(kicks >= 1);
  assert.equal(result.status, 'complete', JSON.stringify(result.errors));
  assert.ok(
    result.log.some((line) => /reconnecting/.test(line.text)),
    'it reconnected',
  );
  assert.deepEqual(
    compareMailboxes(await readMailbox(source, kicked.name), await readMailbox(destination, kicked.name), {
      ignoreEmptyExtraFolders: true,
    }),
    [],
  );
});
