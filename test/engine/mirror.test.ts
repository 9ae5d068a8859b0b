// Sync All (mirror): deletes what it must and nothing else; the deletion guard; duplicates;
// a changed UIDVALIDITY.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { compareMailboxes, connectAs, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const bob = { name: 'bob@example.com', password: 'bob-pass' };
let source: Dovecot;
let destination: Dovecot;

// Same bytes and INTERNALDATE for the same prefix and index: the same message on either server.
const message = (prefix: string, i: number) => {
  const date = new Date(Date.UTC(2024, 0, 1, 0, i));
  return {
    raw: makeMessage({ subject: `${prefix} ${i}`, messageId: `<${prefix}-${i}@example.com>`, date }),
    internalDate: date,
  };
};
const messages = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => message(prefix, i));

before(async () => {
  [source, destination] = await Promise.all([
    startDovecot({ users: [bob], separator: '/' }),
    startDovecot({ users: [bob], separator: '/' }),
  ]);
  await seedMailbox(source, bob.name, [
    { path: 'INBOX', messages: messages('in', 20) },
    { path: 'Work', messages: messages('work', 5) },
  ]);
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop()]);
});

const userFolders = (snapshot: Awaited<ReturnType<typeof readMailbox>>) => ({
  folders: snapshot.folders.filter((f) => !['Sent', 'Drafts', 'Trash', 'Junk', 'Archive'].includes(f.path)),
});

test('Sync All makes the destination exactly like the source', async () => {
  const { state } = tempStateStore();
  const job = jobBetween(source, destination, bob, { mode: 'all' });
  // The destination holds things the source does not: an extra folder, an extra message, a duplicate.
  await seedMailbox(destination, bob.name, [
    {
      path: 'INBOX',
      messages: [
        ...messages('in', 1),
        { raw: makeMessage({ subject: 'only on destination', messageId: '<extra@example.com>' }) },
      ],
    },
  ]);
  const guarded = await run(job, { state });
  assert.equal(guarded.status, 'failed', 'deleting 1 of 2 destination messages is over the 10 % guard');
  assert.equal(guarded.errors[0].code, 'DELETE_GUARD');
  assert.equal(
    (await readMailbox(destination, bob.name)).folders.find((f) => f.path === 'INBOX')!.messages.length,
    2,
    'nothing changed',
  );

  const first = await run({ ...job, options: { ...job.options, allowMassDelete: true } }, { state });
  assert.equal(first.status, 'complete', JSON.stringify(first.errors));
  assert.equal(first.counters.downloaded, 24, 'the message already there is adopted, not copied');
  assert.equal(first.counters.messagesDeleted, 1);
  assert.deepEqual(
    compareMailboxes(
      userFolders(await readMailbox(source, bob.name)),
      userFolders(await readMailbox(destination, bob.name)),
    ),
    [],
  );

  // Changes on both sides: the source loses messages and a folder, the destination gains a duplicate and a folder.
  const client = await connectAs(source, bob.name, bob.password);
  await client.mailboxOpen('INBOX');
  await client.messageDelete('1', { uid: true });
  await client.logout();
  await seedMailbox(destination, bob.name, [{ path: 'INBOX', messages: [message('in', 1)] }]);
  const second = await run(job, { state });
  assert.equal(second.status, 'complete', JSON.stringify(second.errors));
  assert.equal(second.counters.messagesDeleted, 1);
  assert.equal(second.counters.duplicatesDeleted, 1);
  assert.equal(second.counters.downloaded, 0);
  assert.deepEqual(
    compareMailboxes(
      userFolders(await readMailbox(source, bob.name)),
      userFolders(await readMailbox(destination, bob.name)),
    ),
    [],
  );
});

test('a changed source UIDVALIDITY creates no duplicate', async () => {
  const { state } = tempStateStore();
  const job = jobBetween(source, destination, bob, { mode: 'new' });
  await run(job, { state });
  // Re-create "Work" on the source with the same messages: a new UIDVALIDITY.
  const client = await connectAs(source, bob.name, bob.password);
  await client.mailboxDelete('Work');
  await client.logout();
  await seedMailbox(source, bob.name, [{ path: 'Work', messages: messages('work', 5) }]);
  const again = await run(job, { state });
  assert.equal(again.counters.downloaded, 0);
  assert.equal((await readMailbox(destination, bob.name)).folders.find((f) => f.path === 'Work')!.messages.length, 5);
});
