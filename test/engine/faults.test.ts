// Fault injection (issue 7 item 1): a proxy between the engine and each server resets the
// connection after N bytes (swept across message boundaries, inside the literal of a large
// FETCH and of an APPEND), loses the server's OK to an APPEND it committed, stalls without
// closing, adds latency. Every case must end with the account complete and the destination
// byte-identical to the source: nothing truncated, nothing duplicated.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImapSession } from '../../source/imap/session.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { startFaultProxy, type Fault, type FaultProxy } from '../helpers/faultProxy.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox, type MailboxSnapshot } from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const owner = { name: 'owner@example.com', password: 'owner-pass' };
const cases: { side: 'source' | 'destination'; fault: Fault; label: string }[] = [
  ...[2_000, 60_000, 300_000, 900_000, 1_600_000].map((bytes) => ({
    side: 'source' as const,
    fault: { kind: 'reset-server-bytes' as const, bytes },
    label: `source reset after ${bytes} bytes`,
  })),
  ...[3_000, 60_000, 300_000, 900_000, 1_600_000].map((bytes) => ({
    side: 'destination' as const,
    fault: { kind: 'reset-client-bytes' as const, bytes },
    label: `destination reset after ${bytes} bytes sent`,
  })),
  {
    side: 'destination',
    fault: { kind: 'drop-server-line', pattern: /^\S+ OK \[APPENDUID/m },
    label: 'destination OK to an APPEND lost',
  },
  { side: 'source', fault: { kind: 'stall-server-bytes', bytes: 500_000 }, label: 'source stalls without closing' },
  {
    side: 'destination',
    fault: { kind: 'stall-server-bytes', bytes: 2_000 },
    label: 'destination stalls without closing',
  },
];
const users = cases.map((_, i) => ({ name: `case${i}@example.com`, password: `case-${i}` }));
let source: Dovecot;
let destination: Dovecot;
let expected: MailboxSnapshot;

before(async () => {
  [source, destination] = await Promise.all([
    startDovecot({ users: [owner] }),
    startDovecot({ users: [...users, { ...owner }] }),
  ]);
  const small = (folder: string, i: number) => ({
    raw: makeMessage({
      subject: `${folder} ${i}`,
      sizeBytes: 8_000 + i * 97,
      messageId: i % 9 === 0 ? null : undefined,
    }),
    flags: i % 4 === 0 ? ['\\Seen'] : [],
  });
  await seedMailbox(source, owner.name, [
    {
      path: 'INBOX',
      messages: [
        ...Array.from({ length: 15 }, (_, i) => small('in', i)),
        { raw: makeMessage({ subject: 'large attachment', sizeBytes: 1_500_000 }), flags: ['\\Flagged'] },
        ...Array.from({ length: 15 }, (_, i) => small('in', 15 + i)),
      ],
    },
    { path: 'Other', messages: Array.from({ length: 10 }, (_, i) => small('other', i)) },
  ]);
  expected = await readMailbox(source, owner.name);
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop()]);
});

for (const [index, { side, fault, label }] of cases.entries()) {
  test(`fault: ${label}`, async () => {
    const proxy: FaultProxy = await startFaultProxy(side === 'source' ? source.port : destination.port);
    try {
      const user = users[index];
      const job = jobBetween(source, destination, owner, { mode: 'new', maxRetries: 5 }, user);
      const endpoint = side === 'source' ? job.source : job.destination;
      endpoint.endpoint = { ...endpoint.endpoint, port: proxy.port };
      proxy.arm(fault);
      const result = await run(job, {
        state: tempStateStore().state,
        // A stalled socket is noticed after 2 s here (5 minutes by default).
        openSession: (_side, access, options) =>
          ImapSession.open(access.endpoint, access.credentials, { ...options, socketTimeoutMs: 2000 }),
      });
      assert.equal(proxy.fired, 1, 'the fault happened');
      assert.equal(result.status, 'complete', JSON.stringify(result.errors));
      assert.equal(result.counters.errors, 0);
      assert.ok(proxy.connections >= 2 || side === 'source', 'the destination was reconnected');
      const differences = compareMailboxes(expected, await readMailbox(destination, user.name), {
        ignoreEmptyExtraFolders: true,
      });
      assert.deepEqual(differences, []);
    } finally {
      await proxy.close();
    }
  });
}

test('fault: 20 ms latency each way on both sides still copies exactly', async () => {
  const [sourceProxy, destinationProxy] = await Promise.all([
    startFaultProxy(source.port),
    startFaultProxy(destination.port),
  ]);
  try {
    sourceProxy.latencyMs = 20;
    destinationProxy.latencyMs = 20;
    const job = jobBetween(source, destination, owner, { mode: 'new' });
    job.source.endpoint = { ...job.source.endpoint, port: sourceProxy.port };
    job.destination.endpoint = { ...job.destination.endpoint, port: destinationProxy.port };
    const result = await run(job, { state: tempStateStore().state });
    assert.equal(result.status, 'complete', JSON.stringify(result.errors));
    assert.deepEqual(
      compareMailboxes(expected, await readMailbox(destination, owner.name), { ignoreEmptyExtraFolders: true }),
      [],
    );
  } finally {
    await Promise.all([sourceProxy.close(), destinationProxy.close()]);
  }
});
