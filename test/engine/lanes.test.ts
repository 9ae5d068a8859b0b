// Several folders of one account at once, each on its own lane (a source and a destination
// connection), never holding more connections per user than the account's budget; a server
// that refuses a further connection leaves the work to the lanes it let in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImapSession } from '../../source/imap/session.ts';
import type { AccountSyncDeps } from '../../source/engine/accountSync.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const user = { name: 'lane@example.com', password: 'lane-pass' };
const FOLDERS = ['INBOX', 'Sent', 'Archive/2023', 'Archive/2024', 'Lists/dev', 'Lists/ops', 'Projets/Été', 'Receipts'];

let source: Dovecot;
let destination: Dovecot;
let strictDestination: Dovecot;
const proxies: FaultProxy[] = [];

before(async () => {
  [source, destination, strictDestination] = await Promise.all([
    startDovecot({ users: [user], separator: '.' }),
    startDovecot({ users: [user], separator: '/' }),
    // Two connections per user and IP at most: fewer than the account's budget below.
    startDovecot({ users: [user], separator: '/', mailMaxUserIpConnections: 2 }),
  ]);
  await seedMailbox(
    source,
    user.name,
    FOLDERS.map((path, f) => ({
      path,
      messages: Array.from({ length: 15 }, (_, i) => ({
        raw: makeMessage({ subject: `${path} ${i}`, messageId: `<lane-${f}-${i}@example.com>`, sizeBytes: 2000 + i * 700 }),
        flags: i % 4 === 0 ? ['\\Seen', '$Label1'] : [],
      })),
    })),
  );
});

after(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await Promise.all([source?.stop(), destination?.stop(), strictDestination?.stop()]);
});

/** Opens every connection through a proxy per side, which counts how many are open at once. */
async function throughProxies(target: Dovecot): Promise<{ deps: Pick<AccountSyncDeps, 'openSession'>; sourceProxy: FaultProxy; destProxy: FaultProxy }> {
  const sourceProxy = await startFaultProxy(source.port);
  const destProxy = await startFaultProxy(target.port);
  proxies.push(sourceProxy, destProxy);
  // A little latency, so that lanes overlap as they would over a network.
  sourceProxy.latencyMs = 2;
  destProxy.latencyMs = 2;
  return {
    sourceProxy,
    destProxy,
    deps: {
      openSession: (side, access, options) =>
        ImapSession.open({ ...access.endpoint, port: side === 'source' ? sourceProxy.port : destProxy.port }, access.credentials, options),
    },
  };
}

test('folders of one account go at once, within the connection budget, and arrive exactly', async () => {
  const { deps, sourceProxy, destProxy } = await throughProxies(destination);
  const { state } = tempStateStore();
  const result = await run(jobBetween(source, destination, user, { mode: 'flags-new', connections: 3 }), { state, ...deps });
  assert.equal(result.status, 'complete', JSON.stringify(result.errors));
  assert.equal(result.counters.downloaded, FOLDERS.length * 15);
  assert.equal(result.counters.messages, FOLDERS.length * 15);
  assert.deepEqual(compareMailboxes(await readMailbox(source, user.name), await readMailbox(destination, user.name)), []);
  for (const proxy of [sourceProxy, destProxy]) {
    assert.ok(proxy.peakOpen <= 3, `at most 3 connections at once per side, saw ${proxy.peakOpen}`);
    assert.ok(proxy.peakOpen >= 2, `folders went at once (peak ${proxy.peakOpen} connections)`);
  }
  // Each folder's log line tells its own figures, though folders ran side by side.
  for (const path of FOLDERS) {
    const line = result.log.find((entry) => entry.text.startsWith(`folder ${path.split('/').join('.')}`));
    assert.ok(line, `a log line for ${path}`);
    assert.match(line.text, /copied 15, flags 0, deleted 0/);
  }

  // One connection: the same result, one folder after the other.
  const again = await run(jobBetween(source, destination, user, { mode: 'flags-new', connections: 1 }), { state, ...deps });
  assert.equal(again.status, 'complete');
  assert.equal(again.counters.downloaded, 0);
});

test('a server that refuses a further connection: the account goes on with the ones it has', async () => {
  const { deps, destProxy } = await throughProxies(strictDestination);
  const { state } = tempStateStore();
  const result = await run(jobBetween(source, strictDestination, user, { mode: 'flags-new', connections: 4 }), { state, ...deps });
  assert.equal(result.status, 'complete', JSON.stringify(result.errors));
  assert.equal(result.errors.length, 0);
  assert.equal(result.counters.downloaded, FOLDERS.length * 15);
  assert.deepEqual(compareMailboxes(await readMailbox(source, user.name), await readMailbox(strictDestination, user.name)), []);
  assert.ok(result.log.some((entry) => /could not open connection pair \d; going on with fewer|could not open connection pair/.test(entry.text)));
  assert.ok(destProxy.peakOpen <= 4);
});
