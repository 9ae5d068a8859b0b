// Failures (docs/spec.md E6, E8): a refused login, a message the destination refuses, a connection
// dropped in the middle of a folder, a full destination, a 25 MB message.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImapError } from '../../source/imap/connection.ts';
import { ImapSession } from '../../source/imap/session.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { startFaultProxy } from '../helpers/faultProxy.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const carol = { name: 'carol@example.com', password: 'carol-pass' };
const dave = { name: 'dave@example.com', password: 'dave-pass' };
const erin = { name: 'erin@example.com', password: 'erin-pass' };
let source: Dovecot;
let destination: Dovecot;

const bulk = (prefix: string, count: number, bytes = 20_000) =>
  Array.from({ length: count }, (_, i) => ({
    raw: makeMessage({ subject: `${prefix} ${i}`, messageId: `<${prefix}-${i}@example.com>`, sizeBytes: bytes }),
  }));

before(async () => {
  [source, destination] = await Promise.all([
    startDovecot({ users: [carol, dave, erin], separator: '/' }),
    startDovecot({ users: [carol, { ...dave, quotaBytes: 300_000 }, erin], separator: '/', quota: true }),
  ]);
  await seedMailbox(source, carol.name, [
    { path: 'INBOX', messages: bulk('c', 60) },
    {
      path: 'Big',
      messages: [
        { raw: makeMessage({ subject: 'huge', messageId: '<huge@example.com>', sizeBytes: 25 * 1024 * 1024 }) },
      ],
    },
  ]);
  await seedMailbox(source, dave.name, [{ path: 'INBOX', messages: bulk('d', 30) }]);
  const erinMail = bulk('e', 30, 2000);
  erinMail[2] = { raw: makeMessage({ subject: 'e 2', messageId: '<e-2@example.com>', sizeBytes: 20_000 }) };
  await seedMailbox(source, erin.name, [{ path: 'INBOX', messages: erinMail }]);
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop()]);
});

test('a refused login fails that account with AUTH_FAILED and a reason, never the password', async () => {
  const job = jobBetween(source, destination, { ...carol, password: 'wrong-secret' }, { mode: 'new' }, carol);
  const result = await run(job, { state: tempStateStore().state });
  assert.equal(result.status, 'failed');
  assert.equal(result.errors[0].code, 'AUTH_FAILED');
  assert.match(result.errors[0].detail, /carol@example.com/);
  assert.doesNotMatch(JSON.stringify(result), /wrong-secret/);
});

test('a dropped source connection mid-folder is retried and the account completes without duplicates, 25 MB included', async () => {
  const proxy = await startFaultProxy(source.port);
  try {
    const job = jobBetween(source, destination, carol, { mode: 'new', batchMessages: 10 });
    job.source.endpoint = { ...job.source.endpoint, port: proxy.port };
    // Cut the first source connection after ~0.5 MB: in the middle of fetching INBOX bodies.
    proxy.cutAfterServerBytes(500_000);
    const result = await run(job, { state: tempStateStore().state });
    assert.equal(result.status, 'complete', JSON.stringify(result.errors));
    assert.ok(proxy.connections >= 2, 'it reconnected');
    assert.ok(result.log.some((line) => /reconnecting/.test(line.text)));
    assert.deepEqual(
      compareMailboxes(await readMailbox(source, carol.name), await readMailbox(destination, carol.name), {
        ignoreEmptyExtraFolders: true,
      }),
      [],
    );
  } finally {
    await proxy.close();
  }
});

test('one message the destination refuses is logged and skipped; the rest is copied', async () => {
  // A real refusal: this destination takes no message over 10 kB, and erin's UID 3 is 20 kB. It
  // travels in a MULTIAPPEND batch with the others, which the server refuses as a whole; the
  // batch is then sent one message at a time and only UID 3 is left out.
  const strict = await startDovecot({ users: [erin], separator: '/', appendLimitBytes: 10_000 });
  try {
    const job = jobBetween(source, strict, erin, { mode: 'new' });
    const result = await run(job, { state: tempStateStore().state });
    assert.equal(result.status, 'complete');
    assert.equal(result.counters.errors, 1);
    assert.equal(result.errors[0].code, 'APPEND_FAILED');
    assert.match(result.errors[0].detail, /INBOX UID 3/);
    assert.equal(result.counters.downloaded, 29);
    const copied = await readMailbox(strict, erin.name);
    assert.equal(copied.folders.find((f) => f.path === 'INBOX')?.messages.length, 29);
  } finally {
    await strict.stop();
  }
});

test('the single-message path reports a refused message per message (stubbed destination)', async () => {
  const job = jobBetween(source, destination, erin, { mode: 'new' });
  const result = await run(job, {
    state: tempStateStore().state,
    openSession: async (side, access, options) => {
      const session = await ImapSession.open(access.endpoint, access.credentials, options);
      if (side === 'destination') {
        // As a server without MULTIAPPEND: one APPEND per message.
        Object.defineProperty(session, 'canMultiAppend', { value: false });
        const append = session.append.bind(session);
        let calls = 0;
        session.append = async (...args) => {
          calls += 1;
          if (calls === 3) throw new ImapError('PROTOCOL_ERROR', 'NO [LIMIT] message refused', false);
          return append(...args);
        };
      }
      return session;
    },
  });
  assert.equal(result.status, 'complete');
  assert.equal(result.counters.errors, 1);
  assert.equal(result.errors[0].code, 'APPEND_FAILED');
  assert.match(result.errors[0].detail, /INBOX UID 3/);
  assert.equal(result.counters.downloaded, 29);
});

test('a full destination stops that account with OVERQUOTA', async () => {
  const job = jobBetween(source, destination, dave, { mode: 'new' });
  const result = await run(job, { state: tempStateStore().state });
  assert.equal(result.status, 'failed');
  assert.equal(result.errors.at(-1)?.code, 'OVERQUOTA');
  assert.ok(
    result.counters.downloaded > 0 && result.counters.downloaded < 30,
    `copied ${result.counters.downloaded} before the quota`,
  );
});
