// The sync modes end to end between two real Dovecots, judged by what is on the destination.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { compareMailboxes, connectAs, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const alice = { name: 'alice@example.com', password: 'sëcret "pass" \\ word' };
let source: Dovecot;
let destination: Dovecot;

const corpus = () => [
  {
    path: 'INBOX',
    messages: [
      { raw: makeMessage({ subject: 'hello', messageId: '<a1@example.com>' }), flags: ['\\Seen'] },
      { raw: makeMessage({ subject: 'flagged', messageId: '<a2@example.com>' }), flags: ['\\Flagged', '$Important'] },
      { raw: makeMessage({ subject: 'no id', messageId: null }) },
      { raw: makeMessage({ subject: 'deleted not expunged', messageId: '<a3@example.com>' }), flags: ['\\Deleted'] },
      // Two different messages sharing a Message-ID are two messages.
      { raw: makeMessage({ subject: 'shared id one', messageId: '<same@example.com>' }) },
      { raw: makeMessage({ subject: 'shared id two, longer body', messageId: '<same@example.com>' }) },
      // An exact duplicate held twice by the source is copied twice.
      { raw: makeMessage({ subject: 'twin', messageId: '<twin@example.com>' }) },
      { raw: makeMessage({ subject: 'twin', messageId: '<twin@example.com>' }) },
    ],
  },
  { path: 'INBOX/Sub', messages: [{ raw: makeMessage({ subject: 'inbox child', messageId: '<c1@example.com>' }) }] },
  {
    path: 'Projets/Été 2025',
    messages: [{ raw: makeMessage({ subject: 'été', messageId: '<e1@example.com>' }), flags: ['\\Answered'] }],
  },
  { path: '日本語', messages: [{ raw: makeMessage({ subject: 'nihongo', messageId: '<j1@example.com>' }) }] },
  { path: 'Empty', messages: [] },
  { path: 'Unsubscribed', subscribed: false, messages: [] },
  {
    path: 'Sent Items',
    messages: [{ raw: makeMessage({ subject: 'sent', messageId: '<s1@example.com>' }), flags: ['\\Seen'] }],
  },
];

before(async () => {
  [source, destination] = await Promise.all([
    startDovecot({ users: [alice], separator: '.', specialNames: { Sent: 'Sent Items' } }),
    startDovecot({ users: [alice], separator: '/' }),
  ]);
  await seedMailbox(source, alice.name, corpus());
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop()]);
});

test('dry run plans everything and leaves the destination untouched', async () => {
  const before = await readMailbox(destination, alice.name);
  const { state } = tempStateStore();
  const result = await run(jobBetween(source, destination, alice, { mode: 'new', dryRun: true }), { state });
  assert.equal(result.status, 'complete');
  assert.equal(result.planned, true);
  assert.equal(result.counters.downloaded, 12);
  assert.equal(result.counters.messages, 12);
  assert.ok(
    result.log.some((line) => /would copy 8/.test(line.text)),
    'the log says what would be done',
  );
  assert.deepEqual(compareMailboxes(before, await readMailbox(destination, alice.name)), []);
});

test('new: copies every folder and message exactly, then a re-run copies only new messages', async () => {
  const { state } = tempStateStore();
  const job = jobBetween(source, destination, alice, { mode: 'new' });
  const first = await run(job, { state });
  assert.equal(first.status, 'complete', JSON.stringify(first.errors));
  assert.equal(first.counters.downloaded, 12);
  assert.equal(first.counters.errors, 0);
  const src = await readMailbox(source, alice.name);
  const dst = await readMailbox(destination, alice.name);
  // "Sent Items" (\Sent) lands in the destination's "Sent" (\Sent).
  // Both servers auto-create the other special folders; a parent like "Projets" is a real
  // (empty) folder on the destination's layout.
  const differences = compareMailboxes(
    { folders: src.folders.map((f) => (f.path === 'Sent Items' ? { ...f, path: 'Sent' } : f)) },
    dst,
    {
      ignoreEmptyExtraFolders: true,
    },
  );
  assert.deepEqual(differences, []);
  assert.equal(dst.folders.find((f) => f.path === 'Sent')?.messages.length, 1);
  assert.equal(
    dst.folders.find((f) => f.path === 'Sent Items'),
    undefined,
  );
  const unsubscribed = dst.folders.find((f) => f.path === 'Unsubscribed');
  assert.ok(unsubscribed && !unsubscribed.subscribed, 'created, and not subscribed as on the source');
  assert.equal(dst.folders.find((f) => f.path === '日本語')?.subscribed, true);

  // One more message on the source: only it is fetched and copied.
  await seedMailbox(source, alice.name, [
    { path: 'INBOX', messages: [{ raw: makeMessage({ subject: 'late', messageId: '<late@example.com>' }) }] },
  ]);
  const fetched: number[] = [];
  const second = await run(job, {
    state,
    openSession: async (side, access, options) => {
      const { ImapSession } = await import('../../source/imap/session.ts');
      const session = await ImapSession.open(access.endpoint, access.credentials, options);
      if (side === 'source') {
        const original = session.fetchSources.bind(session);
        session.fetchSources = async (uids) => {
          fetched.push(...uids);
          return original(uids);
        };
      }
      return session;
    },
  });
  assert.equal(second.counters.downloaded, 1);
  assert.equal(fetched.length, 1, 'no body of an already copied message is downloaded');
  const inbox = (await readMailbox(destination, alice.name)).folders.find((f) => f.path === 'INBOX')!;
  assert.equal(inbox.messages.length, 9);

  // A lost copy record: matched by content, nothing duplicated.
  const third = await run(job, { state: tempStateStore().state });
  assert.equal(third.counters.downloaded, 0);
  assert.equal(
    (await readMailbox(destination, alice.name)).folders.find((f) => f.path === 'INBOX')!.messages.length,
    9,
  );
});

test('flags-new makes flags match; new leaves them', async () => {
  const { state } = tempStateStore();
  const job = jobBetween(source, destination, alice, { mode: 'new' });
  await run(job, { state });
  const client = await connectAs(source, alice.name, alice.password);
  await client.mailboxOpen('INBOX');
  await client.messageFlagsSet('1:2', ['\\Seen', '\\Answered', 'project-x'], { uid: false });
  await client.logout();
  const newOnly = await run(job, { state });
  assert.equal(newOnly.counters.flagsChanged, 0);
  const flagsNew = await run({ ...job, options: { ...job.options, mode: 'flags-new' } }, { state });
  assert.equal(flagsNew.counters.flagsChanged, 2);
  assert.equal(flagsNew.counters.downloaded, 0);
  const src = (await readMailbox(source, alice.name)).folders.find((f) => f.path === 'INBOX')!;
  const dst = (await readMailbox(destination, alice.name)).folders.find((f) => f.path === 'INBOX')!;
  assert.deepEqual(dst.messages.map((m) => m.flags).sort(), src.messages.map((m) => m.flags).sort());
});
