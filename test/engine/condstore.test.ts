// The CONDSTORE fast path (docs/spec.md E4 with RFC 7162) and the full scan kept for servers without
// it: an unchanged folder costs no FETCH at all, a source that only changed flags or received
// messages is planned from CHANGEDSINCE, and anything else (a destination touched by someone,
// an expunge, no CONDSTORE) is scanned in full, with the same exact result.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImapSession } from '../../source/imap/session.ts';
import type { AccountSyncDeps } from '../../source/engine/accountSync.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.ts';
import {
  appendRaw,
  compareMailboxes,
  connectAs,
  deleteMessages,
  makeMessage,
  readMailbox,
  seedMailbox,
} from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const user = { name: 'frank@example.com', password: 'frank-pass' };
/** What a server received, by kind of command (counted at a proxy in front of it). */
interface Received {
  /** SELECT and EXAMINE. */
  select: number;
  /** A FETCH of every message's UID and flags: the full listing. */
  listMessages: number;
  listChangedSince: number;
  /** A FETCH of header fields: content identity. */
  identify: number;
  /** A FETCH of whole bodies. */
  fetchSources: number;
}

let withCondstore: { source: Dovecot; destination: Dovecot };
let without: { source: Dovecot; destination: Dovecot };

const corpus = (prefix: string) => [
  {
    path: 'INBOX',
    messages: Array.from({ length: 12 }, (_, i) => ({
      raw: makeMessage({
        subject: `${prefix} ${i}`,
        messageId: i === 5 ? null : `<${prefix}-${i}@example.com>`,
        sizeBytes: 3000 + i * 500,
      }),
      flags: i % 3 === 0 ? ['\\Seen'] : i === 4 ? ['$Label1', '\\Flagged'] : [],
    })),
  },
  {
    path: 'Archive/2024',
    messages: [
      {
        raw: makeMessage({ subject: `${prefix} archived`, messageId: `<${prefix}-a@example.com>` }),
        flags: ['\\Seen'],
      },
    ],
  },
  {
    path: 'Quiet',
    messages: [{ raw: makeMessage({ subject: `${prefix} quiet`, messageId: `<${prefix}-q@example.com>` }) }],
  },
];

before(async () => {
  const hidden = { remove: ['CONDSTORE', 'QRESYNC'] };
  const [s1, d1, s2, d2] = await Promise.all([
    startDovecot({ users: [user], separator: '.' }),
    startDovecot({ users: [user], separator: '/' }),
    startDovecot({ users: [user], separator: '.', capabilities: hidden }),
    startDovecot({ users: [user], separator: '/', capabilities: hidden }),
  ]);
  withCondstore = { source: s1, destination: d1 };
  without = { source: s2, destination: d2 };
  await seedMailbox(s1, user.name, corpus('c'));
  await seedMailbox(s2, user.name, corpus('n'));
});

after(async () => {
  await Promise.all([
    withCondstore?.source.stop(),
    withCondstore?.destination.stop(),
    without?.source.stop(),
    without?.destination.stop(),
  ]);
});

const proxies: FaultProxy[] = [];
after(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

function received(commands: readonly string[], folder?: string): Received {
  const fetches = commands.filter((command) => /^(UID )?FETCH /.test(command));
  const selects = commands.filter((command) => /^(SELECT|EXAMINE) /.test(command));
  return {
    select: selects.filter((command) => !folder || command.includes(`"${folder}"`) || command.endsWith(` ${folder}`))
      .length,
    listMessages: fetches.filter((command) => /^(UID )?FETCH 1:\* /.test(command) && !/CHANGEDSINCE/.test(command))
      .length,
    listChangedSince: fetches.filter((command) => /CHANGEDSINCE/.test(command)).length,
    identify: fetches.filter((command) => /HEADER\.FIELDS/.test(command)).length,
    fetchSources: fetches.filter((command) => /(BODY|BINARY)\.PEEK\[\]/.test(command)).length,
  };
}

/** Opens every connection through a proxy per side, which lists the commands each server received. */
async function counting(pair: { source: Dovecot; destination: Dovecot }): Promise<{
  calls: { source: Received; destination: Received };
  selectsOf(folder: string): { source: number; destination: number };
  openSession: NonNullable<AccountSyncDeps['openSession']>;
}> {
  const proxy = {
    source: await startFaultProxy(pair.source.port),
    destination: await startFaultProxy(pair.destination.port),
  };
  proxies.push(proxy.source, proxy.destination);
  return {
    get calls() {
      return { source: received(proxy.source.commands), destination: received(proxy.destination.commands) };
    },
    selectsOf: (folder) => ({
      source: received(proxy.source.commands, folder).select,
      destination: received(proxy.destination.commands, folder).select,
    }),
    openSession: (side, access, options) =>
      ImapSession.open({ ...access.endpoint, port: proxy[side].port }, access.credentials, options),
  };
}

async function same(pair: { source: Dovecot; destination: Dovecot }): Promise<string[]> {
  return compareMailboxes(await readMailbox(pair.source, user.name), await readMailbox(pair.destination, user.name), {
    ignoreEmptyExtraFolders: true,
  });
}

/** Every recorded source UID → destination UID pair names the same bytes on both sides. */
async function assertRecordExact(
  state: ReturnType<typeof tempStateStore>['state'],
  pairKey: string,
  pair: { source: Dovecot; destination: Dovecot },
): Promise<void> {
  const src = (await readMailbox(pair.source, user.name)).folders.find((f) => f.path === 'INBOX')!;
  const dst = (await readMailbox(pair.destination, user.name)).folders.find((f) => f.path === 'INBOX')!;
  const record = await state.load(pairKey, 'INBOX');
  assert.equal(record?.copies.size, src.messages.length);
  for (const [sourceUid, destUid] of record!.copies) {
    const a = src.messages.find((m) => m.uid === sourceUid);
    const b = dst.messages.find((m) => m.uid === destUid);
    assert.ok(
      a && b && a.sha256 === b.sha256 && a.internalDate === b.internalDate,
      `record ${sourceUid} -> ${destUid}`,
    );
  }
}

async function changeSource(dovecot: Dovecot, tag: string): Promise<void> {
  const client = await connectAs(dovecot, user.name, user.password);
  try {
    await client.mailboxOpen('INBOX');
    await client.messageFlagsSet('2', ['\\Answered', 'project-x'], { uid: true });
  } finally {
    await client.logout();
  }
  await appendRaw(
    dovecot,
    user.name,
    'INBOX',
    makeMessage({ subject: `${tag} late`, messageId: `<${tag}-late@example.com>` }),
    ['\\Seen'],
  );
}

test('CONDSTORE: an unchanged folder costs no SELECT and no FETCH; changed flags and new messages go by CHANGEDSINCE', async () => {
  const { state } = tempStateStore();
  const job = jobBetween(withCondstore.source, withCondstore.destination, user, { mode: 'flags-new' });
  const first = await run(job, { state });
  assert.equal(first.status, 'complete', JSON.stringify(first.errors));
  assert.equal(first.counters.downloaded, 14);
  assert.deepEqual(await same(withCondstore), []);
  await assertRecordExact(state, job.pairKey, withCondstore);

  // S2: nothing changed anywhere.
  const quiet = await counting(withCondstore);
  const second = await run(job, { state, openSession: quiet.openSession });
  assert.equal(second.status, 'complete');
  assert.equal(second.counters.downloaded, 0);
  assert.equal(second.counters.messages, 14);
  assert.deepEqual(quiet.calls.source, {
    select: 0,
    listMessages: 0,
    listChangedSince: 0,
    identify: 0,
    fetchSources: 0,
  });
  assert.deepEqual(quiet.calls.destination, {
    select: 0,
    listMessages: 0,
    listChangedSince: 0,
    identify: 0,
    fetchSources: 0,
  });
  assert.ok(second.log.some((line) => /INBOX.*unchanged since the last pass/.test(line.text)));

  // S3: one message's flags changed and one message arrived on the source.
  await changeSource(withCondstore.source, 'c');
  const busy = await counting(withCondstore);
  const third = await run(job, { state, openSession: busy.openSession });
  assert.equal(third.status, 'complete', JSON.stringify(third.errors));
  assert.equal(third.counters.downloaded, 1);
  assert.equal(third.counters.flagsChanged, 1);
  assert.equal(busy.calls.source.listMessages, 0, 'no full listing of the source');
  assert.equal(busy.calls.destination.listMessages, 0, 'no full listing of the destination');
  assert.equal(busy.calls.source.listChangedSince, 1, 'only INBOX changed');
  assert.equal(busy.calls.source.fetchSources, 1);
  assert.ok(third.log.some((line) => /INBOX: copied 1, flags 1.*changes only/.test(line.text)));
  assert.deepEqual(await same(withCondstore), []);
  await assertRecordExact(state, job.pairKey, withCondstore);
  // The UID record still explains every copy: a run with no change is quiet again.
  const fourth = await counting(withCondstore);
  await run(job, { state, openSession: fourth.openSession });
  assert.equal(fourth.calls.source.select + fourth.calls.destination.select, 0);
});

test('CONDSTORE: a destination touched by someone else, or an expunge on the source, is scanned in full', async () => {
  const { state } = tempStateStore();
  const job = jobBetween(withCondstore.source, withCondstore.destination, user, { mode: 'all' });
  const first = await run(job, { state });
  assert.equal(first.status, 'complete', JSON.stringify(first.errors));

  // Someone flags a destination copy: the next pass sees the destination moved and puts the source's flags back.
  const client = await connectAs(withCondstore.destination, user.name, user.password);
  await client.mailboxOpen('INBOX');
  await client.messageFlagsSet('1', ['\\Deleted', 'oops'], { uid: true });
  await client.logout();
  // A copy appended on the destination whose record was lost (a crash between APPEND and checkpoint),
  // and its source message: recognised by content, never appended twice.
  const raw = makeMessage({ subject: 'crash window', messageId: '<crash@example.com>' });
  // The copy carries its source's INTERNALDATE, as a real copy does (two appends a second apart
  // would otherwise be two different messages).
  const internalDate = new Date('2025-06-01T10:00:00Z');
  await appendRaw(withCondstore.source, user.name, 'INBOX', raw, [], internalDate);
  await appendRaw(withCondstore.destination, user.name, 'INBOX', raw, [], internalDate);
  const touched = await counting(withCondstore);
  const second = await run(job, { state, openSession: touched.openSession });
  assert.equal(second.status, 'complete', JSON.stringify(second.errors));
  assert.ok(touched.calls.destination.listMessages > 0, 'full scan of the destination');
  assert.equal(second.counters.downloaded, 0, 'the unrecorded copy was adopted, not appended again');
  assert.equal(second.counters.flagsChanged, 1);
  assert.deepEqual(await same(withCondstore), []);

  // An expunge on the source: the mirror deletes the copy (full scan; CHANGEDSINCE cannot see it).
  await deleteMessages(withCondstore.source, user.name, 'INBOX', [3]);
  const expunged = await counting(withCondstore);
  const third = await run(job, { state, openSession: expunged.openSession });
  assert.equal(third.status, 'complete', JSON.stringify(third.errors));
  assert.equal(third.counters.messagesDeleted, 1);
  assert.equal(expunged.calls.source.listChangedSince, 1, 'CHANGEDSINCE tried first');
  assert.equal(expunged.calls.source.listMessages, 1, 'then the full scan');
  assert.deepEqual(
    expunged.selectsOf('INBOX'),
    { source: 1, destination: 1 },
    'the full scan after CHANGEDSINCE selects INBOX no second time on either side',
  );
  assert.deepEqual(await same(withCondstore), []);
});

test('without CONDSTORE every pass scans in full and gives the same exact copy', async () => {
  const { state } = tempStateStore();
  const job = jobBetween(without.source, without.destination, user, { mode: 'flags-new' });
  const first = await run(job, { state });
  assert.equal(first.status, 'complete', JSON.stringify(first.errors));
  assert.equal(first.counters.downloaded, 14);
  assert.deepEqual(await same(without), []);
  const record = await state.load(job.pairKey, 'INBOX');
  assert.equal(record?.mark, undefined, 'no mark without CONDSTORE');
  assert.equal(record?.copies.size, 12);

  const quiet = await counting(withCondstore);
  const second = await run(job, { state, openSession: quiet.openSession });
  assert.equal(second.counters.downloaded, 0);
  assert.ok(quiet.calls.source.listMessages >= 3, 'every folder listed');
  assert.equal(quiet.calls.source.listChangedSince, 0);
  assert.equal(quiet.calls.source.fetchSources, 0, 'still no body downloaded');

  await changeSource(without.source, 'n');
  const third = await run(job, { state });
  assert.equal(third.counters.downloaded, 1);
  assert.equal(third.counters.flagsChanged, 1);
  assert.deepEqual(await same(without), []);
});
