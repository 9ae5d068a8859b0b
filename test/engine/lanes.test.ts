// Several folders of one account at once, each on its own lane (a source and a destination
// connection), never holding more connections per user than the account's budget; a pass with
// little to copy keeps to one lane; a server that refuses a further connection leaves the work
// to the lanes it let in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImapSession } from '../../source/imap/session.ts';
import type { AccountSyncDeps } from '../../source/engine/accountSync.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.ts';
import { appendRaw, compareMailboxes, connectAs, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const user = { name: 'lane@example.com', password: 'lane-pass' };
const FOLDERS = ['INBOX', 'Sent', 'Archive/2023', 'Archive/2024', 'Lists/dev', 'Lists/ops', 'Projets/Été', 'Receipts'];
/** 480 messages: enough to be worth three lanes (one per 200 messages to copy). */
const PER_FOLDER = 60;

let source: Dovecot;
let destination: Dovecot;
let strictDestination: Dovecot;
const proxies: FaultProxy[] = [];

before(async () => {
  [source, destination, strictDestination] = await Promise.all([
    startDovecot({ users: [user], separator: '.' }),
    startDovecot({ users: [user], separator: '/' }),
    // Three connections per user and IP at most, two of them held by the user's mail client.
    startDovecot({ users: [user], separator: '/', mailMaxUserIpConnections: 3 }),
  ]);
  await seedMailbox(
    source,
    user.name,
    FOLDERS.map((path, f) => ({
      path,
      messages: Array.from({ length: PER_FOLDER }, (_, i) => ({
        raw: makeMessage({
          subject: `${path} ${i}`,
          messageId: `<lane-${f}-${i}@example.com>`,
          sizeBytes: 1500 + (i % 15) * 700,
        }),
        flags: i % 4 === 0 ? ['\\Seen', '$Label1'] : [],
      })),
    })),
  );
});

after(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await Promise.all([source?.stop(), destination?.stop(), strictDestination?.stop()]);
});

/**
 * Opens every connection through a proxy per side, which counts how many are open at once. A
 * little latency by default, so that lanes overlap as they would over a network.
 */
async function throughProxies(
  target: Dovecot,
  latencyMs = 2,
): Promise<{
  deps: Pick<AccountSyncDeps, 'openSession' | 'slowLoginMs'>;
  sourceProxy: FaultProxy;
  destProxy: FaultProxy;
}> {
  const sourceProxy = await startFaultProxy(source.port);
  const destProxy = await startFaultProxy(target.port);
  proxies.push(sourceProxy, destProxy);
  sourceProxy.latencyMs = latencyMs;
  destProxy.latencyMs = latencyMs;
  return {
    sourceProxy,
    destProxy,
    deps: {
      // A local link is fast however long a login takes on a loaded machine; over the 20 ms
      // proxies the engine's own threshold decides.
      slowLoginMs: latencyMs < 10 ? 60_000 : undefined,
      openSession: (side, access, options) =>
        ImapSession.open(
          { ...access.endpoint, port: side === 'source' ? sourceProxy.port : destProxy.port },
          access.credentials,
          options,
        ),
    },
  };
}

test('folders of one account go at once, within the connection budget, and arrive exactly', async () => {
  const { deps, sourceProxy, destProxy } = await throughProxies(destination);
  const { state } = tempStateStore();
  const result = await run(jobBetween(source, destination, user, { mode: 'flags-new', connections: 2 }), {
    state,
    ...deps,
  });
  assert.equal(result.status, 'complete', JSON.stringify(result.errors));
  assert.equal(result.counters.downloaded, FOLDERS.length * PER_FOLDER);
  assert.equal(result.counters.messages, FOLDERS.length * PER_FOLDER);
  assert.deepEqual(
    compareMailboxes(await readMailbox(source, user.name), await readMailbox(destination, user.name)),
    [],
  );
  for (const proxy of [sourceProxy, destProxy]) {
    assert.equal(proxy.peakOpen, 2, 'two folders at once on each side: the budget, not more');
  }
  // Each folder's log line tells its own figures, though folders ran side by side.
  for (const path of FOLDERS) {
    const line = result.log.find((entry) => entry.text.startsWith(`folder ${path.split('/').join('.')}`));
    assert.ok(line, `a log line for ${path}`);
    assert.match(line.text, new RegExp(`copied ${PER_FOLDER}, flags 0, deleted 0`));
  }

  // A pass that only brings a few new messages keeps to one connection per side.
  await appendRaw(source, user.name, 'INBOX', makeMessage({ subject: 'late 1', messageId: '<late-1@example.com>' }));
  await appendRaw(
    source,
    user.name,
    'Lists.dev',
    makeMessage({ subject: 'late 2', messageId: '<late-2@example.com>' }),
  );
  const later = await throughProxies(destination, 0);
  const again = await run(jobBetween(source, destination, user, { mode: 'flags-new', connections: 4 }), {
    state,
    ...later.deps,
  });
  assert.equal(again.status, 'complete', JSON.stringify(again.errors));
  assert.equal(again.counters.downloaded, 2);
  assert.equal(later.sourceProxy.peakOpen, 1);
  assert.equal(later.destProxy.peakOpen, 1);
  assert.deepEqual(
    compareMailboxes(await readMailbox(source, user.name), await readMailbox(destination, user.name)),
    [],
  );

  // Over a slow link the same small pass is worth more lanes: a login costs less than the
  // round trips of the folders it takes over.
  for (const [i, folder] of ['Sent', 'Receipts', 'Lists.ops'].entries()) {
    await appendRaw(
      source,
      user.name,
      folder,
      makeMessage({ subject: `slow ${i}`, messageId: `<slow-${i}@example.com>` }),
    );
  }
  const slow = await throughProxies(destination, 20);
  const overSlowLink = await run(jobBetween(source, destination, user, { mode: 'flags-new', connections: 3 }), {
    state,
    ...slow.deps,
  });
  assert.equal(overSlowLink.status, 'complete', JSON.stringify(overSlowLink.errors));
  assert.equal(overSlowLink.counters.downloaded, 3);
  assert.ok(slow.sourceProxy.peakOpen >= 2, `more than one lane over a slow link (peak ${slow.sourceProxy.peakOpen})`);
  assert.ok(slow.sourceProxy.peakOpen <= 3 && slow.destProxy.peakOpen <= 3);
  assert.deepEqual(
    compareMailboxes(await readMailbox(source, user.name), await readMailbox(destination, user.name)),
    [],
  );
});

test('a server that refuses a further connection: the account goes on with the ones it has', async () => {
  // The user's own mail client holds two of the three connections the server allows: the
  // account gets one, and the further lanes it tries are refused.
  const mailClient = await Promise.all([
    connectAs(strictDestination, user.name, user.password),
    connectAs(strictDestination, user.name, user.password),
  ]);
  try {
    const { deps } = await throughProxies(strictDestination);
    const { state } = tempStateStore();
    const result = await run(jobBetween(source, strictDestination, user, { mode: 'flags-new', connections: 4 }), {
      state,
      ...deps,
    });
    assert.equal(result.status, 'complete', JSON.stringify(result.errors));
    assert.equal(result.errors.length, 0);
    // Everything the source holds by now (the first test added five messages).
    assert.equal(result.counters.downloaded, FOLDERS.length * PER_FOLDER + 5);
    assert.ok(
      result.log.some((entry) => /could not open connection pair \d .*going on with fewer at once/.test(entry.text)),
      result.log.map((line) => line.text).join('\n'),
    );
  } finally {
    await Promise.all(mailClient.map((client) => client.logout().catch(() => client.close())));
  }
  assert.deepEqual(
    compareMailboxes(await readMailbox(source, user.name), await readMailbox(strictDestination, user.name)),
    [],
  );
});
