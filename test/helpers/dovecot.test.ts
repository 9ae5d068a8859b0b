// The test Dovecot fixture and the mail helpers, proven with real connections.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { capabilityString, startDovecot, withDovecot, type Dovecot } from './dovecot.ts';
import {
  appendRaw,
  compareMailboxes,
  connectAs,
  deleteMessages,
  makeMessage,
  makeMessageBuffer,
  readMailbox,
  seedMailbox,
  setFlags,
  sha256,
  type MailboxSnapshot,
} from './mail.ts';
import { canListen, isPortClosed } from './ports.ts';

const alice = { name: 'alice@example.com', password: 'pa ss "quoted" \\ back ünï ✓', quotaBytes: 4000 };
const bob = { name: 'bob@example.com', password: 'bob-secret' };
const admin = { name: 'admin', password: 'master pass' };

let slash: Dovecot; // '/' separator, quota, master user, implicit TLS, "Sent Items"
let dot: Dovecot; // '.' separator, STARTTLS
let bare: Dovecot; // no CONDSTORE, QRESYNC, SPECIAL-USE advertised; no TLS at all

function greeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('data', (chunk) => {
      resolve(chunk.toString('utf8'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

function client(options: ConstructorParameters<typeof ImapFlow>[0]): ImapFlow {
  const c = new ImapFlow({ logger: false, disableAutoIdle: true, ...options });
  c.on('error', () => {});
  return c;
}

before(async () => {
  [slash, dot, bare] = await Promise.all([
    startDovecot({
      users: [alice, bob],
      separator: '/',
      quota: true,
      masterUser: admin,
      tls: true,
      specialNames: { Sent: 'Sent Items' },
    }),
    startDovecot({ users: [alice, bob], separator: '.', starttls: true }),
    startDovecot({ users: [alice], capabilities: { remove: ['CONDSTORE', 'QRESYNC', 'SPECIAL-USE'] } }),
  ]);
});

after(async () => {
  await Promise.all([slash?.stop(), dot?.stop(), bare?.stop()]);
});

test('several instances run at once, on loopback, each on its own ports and dir, and start fast', () => {
  const ports = [slash.port, slash.tlsPort, dot.port, bare.port];
  assert.equal(new Set(ports).size, 4);
  assert.equal(new Set([slash.dir, dot.dir, bare.dir]).size, 3);
  for (const d of [slash, dot, bare]) {
    assert.equal(d.host, '127.0.0.1');
    assert.ok(fs.existsSync(d.logPath));
    assert.ok(d.startupMs < 5000, `startup took ${d.startupMs} ms`);
  }
  assert.deepEqual(slash.endpoint(), { host: '127.0.0.1', port: slash.port, tls: 'none', allowInvalidCert: false });
  assert.deepEqual(slash.endpoint('tls'), {
    host: '127.0.0.1',
    port: slash.tlsPort,
    tls: 'tls',
    allowInvalidCert: false,
  });
  assert.deepEqual(dot.endpoint('starttls', { allowInvalidCert: true }), {
    host: '127.0.0.1',
    port: dot.port,
    tls: 'starttls',
    allowInvalidCert: true,
  });
  assert.throws(() => bare.endpoint('tls'), /tls: true/);
});

test('login works with an awkward password; a wrong password is refused', async () => {
  const c = await connectAs(slash, alice.name);
  assert.ok(c.authenticated);
  await c.logout();
  const wrong = client({
    host: '127.0.0.1',
    port: slash.port,
    doSTARTTLS: false,
    auth: { user: alice.name, pass: 'nope' },
  });
  await assert.rejects(wrong.connect(), (error: { authenticationFailed?: boolean; serverResponseCode?: string }) => {
    assert.equal(error.authenticationFailed, true);
    assert.equal(error.serverResponseCode, 'AUTHENTICATIONFAILED');
    return true;
  });
});

describe('separators and folder names', () => {
  const folders = [
    {
      path: 'INBOX',
      messages: [
        {
          raw: makeMessage({ subject: 'in', messageId: '<in@x>' }),
          flags: ['\\Seen'],
          internalDate: new Date('2024-02-03T04:05:06Z'),
        },
      ],
    },
    {
      path: 'Projets/Été 2025',
      messages: [
        {
          raw: makeMessage({ subject: 'été ✓', messageId: '<e@x>' }),
          flags: ['\\Answered', '$Custom'],
          internalDate: new Date('2023-05-06T07:08:09Z'),
        },
      ],
    },
    {
      path: '日本語',
      messages: [
        { raw: makeMessage({ subject: 'nihongo', messageId: null }), internalDate: new Date('2024-02-03T04:05:06Z') },
      ],
    },
    { path: 'Work/Deep/Er', messages: [] },
    { path: 'Hidden', messages: [], subscribed: false },
  ];
  const seeded = (snapshot: MailboxSnapshot) => ({ folders: snapshot.folders.filter((f) => !f.specialUse) });

  test('the LIST delimiter is the configured one, names round-trip, both servers hold the same mail', async () => {
    await Promise.all([seedMailbox(slash, bob.name, folders), seedMailbox(dot, bob.name, folders)]);
    for (const [d, delimiter] of [
      [slash, '/'],
      [dot, '.'],
    ] as const) {
      const c = await connectAs(d, bob.name);
      const listed = await c.list();
      await c.logout();
      assert.ok(
        listed.every((l) => l.delimiter === delimiter),
        `${delimiter}: ${listed.map((l) => l.delimiter)}`,
      );
      assert.ok(listed.some((l) => l.path === ['Projets', 'Été 2025'].join(delimiter)));
      assert.ok(listed.some((l) => l.path === ['Work', 'Deep', 'Er'].join(delimiter)));
    }
    const [a, b] = await Promise.all([readMailbox(slash, bob.name), readMailbox(dot, bob.name)]);
    const paths = seeded(b).folders.map((f) => f.path);
    assert.deepEqual(paths, ['Hidden', 'INBOX', 'Projets/Été 2025', 'Work/Deep/Er', '日本語']);
    assert.equal(b.folders.find((f) => f.path === 'Projets/Été 2025')!.rawPath, 'Projets.Été 2025');
    assert.equal(b.folders.find((f) => f.path === 'Hidden')!.subscribed, false);
    assert.equal(b.folders.find((f) => f.path === '日本語')!.subscribed, true);
    const ete = a.folders.find((f) => f.path === 'Projets/Été 2025')!.messages[0];
    assert.deepEqual(ete.flags, ['$Custom', '\\Answered']);
    assert.equal(ete.internalDate, '2023-05-06T07:08:09.000Z');
    assert.equal(ete.messageId, '<e@x>');
    assert.equal(a.folders.find((f) => f.path === '日本語')!.messages[0].messageId, undefined);
    assert.deepEqual(compareMailboxes(seeded(a), seeded(b)), []);
  });

  test('a name with the other separator: "a.b" is one folder on "/", a hierarchy on "."', async () => {
    await seedMailbox(slash, alice.name, [{ path: 'a.b' }]);
    assert.ok((await readMailbox(slash, alice.name)).folders.some((f) => f.path === 'a.b' && f.rawPath === 'a.b'));
    const c = await connectAs(dot, alice.name);
    await assert.rejects(
      c.mailboxCreate('x/y'),
      (error: { serverResponseCode?: string }) => error.serverResponseCode === 'CANNOT',
    );
    await c.logout();
  });
});

test('special-use folders exist with their flags; Sent can be renamed', async () => {
  for (const [d, sent] of [
    [slash, 'Sent Items'],
    [dot, 'Sent'],
  ] as const) {
    const snapshot = await readMailbox(d, alice.name);
    const special = Object.fromEntries(snapshot.folders.filter((f) => f.specialUse).map((f) => [f.specialUse, f.path]));
    assert.deepEqual(special, {
      '\\Sent': sent,
      '\\Drafts': 'Drafts',
      '\\Trash': 'Trash',
      '\\Junk': 'Junk',
      '\\Archive': 'Archive',
    });
    assert.ok(snapshot.folders.filter((f) => f.specialUse).every((f) => f.subscribed));
  }
});

test("master user: SASL PLAIN with authzid and LOGIN user*master both land in the user's INBOX", async () => {
  await appendRaw(slash, alice.name, 'INBOX', makeMessage({ subject: 'for the admin to see', messageId: '<adm@x>' }));
  const viaAuthzid = client({
    host: '127.0.0.1',
    port: slash.port,
    doSTARTTLS: false,
    auth: { user: admin.name, pass: admin.password, authzid: alice.name, loginMethod: 'AUTH=PLAIN' },
  });
  await viaAuthzid.connect();
  const inbox = await viaAuthzid.mailboxOpen('INBOX');
  const ids = (await viaAuthzid.fetchAll('1:*', { envelope: true })).map((m) => m.envelope?.messageId);
  assert.ok(ids.includes('<adm@x>'), `alice's INBOX: ${ids.join(' ')}`);
  await viaAuthzid.logout();
  const viaSeparator = await connectAs(slash, `${alice.name}*${admin.name}`, admin.password);
  const status = await viaSeparator.status('INBOX', { messages: true });
  assert.equal(status && status.messages, inbox.exists);
  await viaSeparator.logout();
  const wrongMaster = client({
    host: '127.0.0.1',
    port: slash.port,
    doSTARTTLS: false,
    auth: { user: admin.name, pass: 'bad', authzid: alice.name, loginMethod: 'AUTH=PLAIN' },
  });
  await assert.rejects(wrongMaster.connect());
});

test('quota: an APPEND beyond it fails with OVERQUOTA; setQuota raises it for new sessions', async () => {
  const big = makeMessage({ subject: 'too big for alice', sizeBytes: 6000 });
  const c = await connectAs(slash, alice.name);
  await assert.rejects(
    c.append('INBOX', big),
    (error: { serverResponseCode?: string; responseText?: string; responseStatus?: string }) => {
      assert.equal(error.serverResponseCode, 'OVERQUOTA');
      assert.equal(error.responseStatus, 'NO');
      assert.match(error.responseText ?? '', /Quota exceeded/);
      return true;
    },
  );
  await c.logout();
  await slash.setQuota(alice.name, 1_000_000);
  assert.match(await slash.doveadm(['quota', 'get', '-u', alice.name]), /STORAGE\s+\d+\s+97[67]\b/);
  const again = await connectAs(slash, alice.name);
  const appended = await again.append('INBOX', big);
  assert.ok(appended && appended.uid);
  await again.logout();
});

test('implicit TLS with the self-signed certificate: refused when verified, accepted otherwise or with it as CA', async () => {
  assert.match(slash.certPem ?? '', /BEGIN CERTIFICATE/);
  const strict = client({
    host: '127.0.0.1',
    port: slash.tlsPort,
    secure: true,
    auth: { user: bob.name, pass: bob.password },
  });
  await assert.rejects(strict.connect(), (error: { code?: string }) => /SELF_SIGNED|CERT/.test(error.code ?? ''));
  const lax = await connectAs(slash, bob.name, undefined, { kind: 'tls', allowInvalidCert: true });
  assert.equal(lax.secureConnection, true);
  await lax.logout();
  const pinned = client({
    host: '127.0.0.1',
    port: slash.tlsPort,
    secure: true,
    tls: { ca: [slash.certPem!] },
    auth: { user: bob.name, pass: bob.password },
  });
  await pinned.connect();
  await pinned.logout();
});

test('STARTTLS is offered when asked for and absent otherwise', async () => {
  assert.match(await greeting(dot.port), /\bSTARTTLS\b/);
  assert.doesNotMatch(await greeting(bare.port), /\bSTARTTLS\b/);
  // Dovecot's ssl setting is global: an implicit TLS listener brings STARTTLS on the plain port.
  assert.match(await greeting(slash.port), /\bSTARTTLS\b/);
  const c = await connectAs(dot, bob.name, undefined, { kind: 'starttls' });
  assert.equal(c.secureConnection, true);
  await c.logout();
});

test('capability override hides CONDSTORE, QRESYNC and SPECIAL-USE (and the LIST special-use flags)', async () => {
  const hidden = await connectAs(bare, alice.name);
  const caps = [...hidden.capabilities.keys()];
  for (const gone of ['CONDSTORE', 'QRESYNC', 'SPECIAL-USE']) assert.ok(!caps.includes(gone), gone);
  for (const kept of ['UIDPLUS', 'MOVE', 'IDLE', 'LIST-EXTENDED']) assert.ok(caps.includes(kept), kept);
  const box = await hidden.mailboxOpen('INBOX');
  assert.equal(box.highestModseq, undefined);
  const sent = (await hidden.list()).find((l) => l.path === 'Sent')!;
  assert.ok(!sent.flags.has('\\Sent'));
  await hidden.logout();
  const full = await connectAs(dot, alice.name);
  for (const cap of ['CONDSTORE', 'QRESYNC', 'SPECIAL-USE']) assert.ok(full.capabilities.has(cap), cap);
  await full.logout();
  assert.equal(capabilityString({ imapCapability: 'IMAP4rev1 UIDPLUS' }), 'IMAP4rev1 UIDPLUS');
  assert.match(capabilityString({ quota: true, capabilities: { remove: ['MOVE'] } })!, /SPECIAL-USE QUOTA$/);
});

test('kickAll drops connected clients', async () => {
  const c = await connectAs(dot, bob.name);
  await c.mailboxOpen('INBOX');
  const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
  await dot.kickAll(bob.name);
  await closed;
  assert.equal(c.usable, false);
  await dot.kickAll('nobody-connected@example.com');
});

test('mail helpers: setFlags, deleteMessages, a 6 MB message read in chunks, compareMailboxes reports differences', async () => {
  const big = makeMessageBuffer({ subject: 'six megabytes', sizeBytes: 6 * 1024 * 1024, messageId: '<big@x>' });
  await seedMailbox(dot, alice.name, [
    {
      path: 'Helpers',
      messages: [
        { raw: big },
        { raw: makeMessage({ subject: 'one', messageId: '<one@x>' }) },
        { raw: makeMessage({ subject: 'two', messageId: '<two@x>' }) },
      ],
    },
  ]);
  const before = await readMailbox(dot, alice.name);
  const folder = before.folders.find((f) => f.path === 'Helpers')!;
  assert.equal(folder.messages[0].size, big.length);
  assert.equal(folder.messages[0].sha256, sha256(big));
  await setFlags(dot, alice.name, 'Helpers', folder.messages[1].uid, ['\\Seen', '\\Flagged']);
  await deleteMessages(dot, alice.name, 'Helpers', [folder.messages[2].uid]);
  const afterwards = await readMailbox(dot, alice.name);
  assert.deepEqual(
    compareMailboxes(before, afterwards).sort(),
    [
      `"Helpers": flags differ for <one@x> [${folder.messages[1].size} bytes, sha256 ${folder.messages[1].sha256.slice(0, 12)}]: a [], b [\\Flagged \\Seen]`,
      `"Helpers": missing on b: <two@x> [${folder.messages[2].size} bytes, sha256 ${folder.messages[2].sha256.slice(0, 12)}] (1 on a, 0 on b)`,
    ].sort(),
  );
  const extra = {
    folders: [...afterwards.folders, { path: 'Empty', rawPath: 'Empty', subscribed: true, messages: [] }],
  };
  assert.deepEqual(compareMailboxes(afterwards, extra), ['folder "Empty" only on b (0 messages)']);
  assert.deepEqual(compareMailboxes(afterwards, extra, { ignoreEmptyExtraFolders: true }), []);
  assert.deepEqual(compareMailboxes(extra, afterwards), ['folder "Empty" missing on b (0 messages on a)']);
});

test('makeMessage is deterministic, CRLF-only, exact in size, and can leave out the Message-ID', () => {
  const spec = { subject: 'Grüße', body: 'line one\nline two', sizeBytes: 5000 };
  const a = makeMessage(spec);
  assert.equal(a, makeMessage(spec));
  assert.equal(Buffer.byteLength(a), 5000);
  assert.doesNotMatch(a, /[^\r]\n/);
  assert.match(a, /^Message-ID: <[0-9a-f]+@imap-migrate\.test>\r$/m);
  assert.doesNotMatch(makeMessage({ subject: 'x', messageId: null }), /^Message-ID:/im);
  assert.match(makeMessage({ subject: 'x', attachmentBytes: 1000 }), /Content-Disposition: attachment/);
  const started = Date.now();
  assert.equal(makeMessageBuffer({ subject: 'huge', sizeBytes: 25 * 1024 * 1024 }).length, 25 * 1024 * 1024);
  assert.ok(Date.now() - started < 2000);
});

test('stop removes the dir and frees the port, and is idempotent; a bad config fails with the log', async () => {
  const d = await startDovecot({ users: [bob], tls: true });
  const { dir, port, tlsPort } = d;
  const c = await connectAs(d, bob.name);
  await c.noop();
  await Promise.all([d.stop(), d.stop()]);
  await d.stop();
  assert.equal(fs.existsSync(dir), false);
  assert.equal(await isPortClosed(port), true);
  assert.equal(await canListen(port), true);
  assert.equal(await canListen(tlsPort!), true);
  let seenDir = '';
  await withDovecot({ users: [bob], specialUse: false }, async (w) => {
    seenDir = w.dir;
    const listed = await connectAs(w, bob.name);
    assert.deepEqual(
      (await listed.list()).map((l) => l.path),
      ['INBOX'],
    );
    await listed.logout();
  });
  assert.equal(fs.existsSync(seenDir), false);
  await assert.rejects(
    startDovecot({ users: [bob], mailMaxUserIpConnections: -1 }),
    /failed to start[\s\S]*Invalid number -1/,
  );
});
