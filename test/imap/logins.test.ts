// Logins with awkward usernames and passwords (issue 7 item 4), against real Dovecot, with
// LOGIN and with SASL PLAIN (admin login): spaces, quotes, backslashes and non-ASCII in
// passwords; non-ASCII in names. (Dovecot's passwd-file cannot hold names
// with spaces, and escapes a quote or backslash of a name before looking it up, so
// such names cannot be tried here; its log shows they arrive intact.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { imapFlowOptions, testLogin } from '../../source/imap/connection.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';

const users = [
  { name: 'plain-user', password: 'pass with spaces' },
  { name: 'o.brien', password: 'quote " and \' both' },
  { name: 'back-slash', password: 'back\\slash\\pw' },
  { name: 'josé.ñúñez', password: 'pässwörd ✓ 日本' },
];
const master = { name: 'admin', password: 'master "pw" \\ ü' };
let server: Dovecot;

before(async () => {
  server = await startDovecot({ users, masterUser: master });
});

after(async () => {
  await server?.stop();
});

test('awkward usernames and passwords log in; a wrong one is refused without echoing it', async () => {
  for (const user of users) {
    const own = await testLogin(server.endpoint(), { user: user.name, password: user.password });
    assert.equal(own.ok, true, `${user.name}: ${JSON.stringify(own)}`);
    const asAdmin = await testLogin(server.endpoint(), {
      user: master.name,
      password: master.password,
      authzid: user.name,
    });
    assert.equal(asAdmin.ok, true, `admin as ${user.name}: ${JSON.stringify(asAdmin)}`);
  }
  const wrong = await testLogin(server.endpoint(), { user: users[1].name, password: 'wrong "guess" \\' });
  assert.equal(wrong.ok, false);
  assert.equal(wrong.ok ? '' : wrong.code, 'AUTH_FAILED');
  assert.doesNotMatch(wrong.ok ? '' : wrong.reason, /guess/);
});

/** Logs in with SASL PLAIN through imapflow, returning the lines imapflow wrote (as it logs them). */
async function plainLoginLines(dovecot: Dovecot, user: { name: string; password: string }): Promise<string[]> {
  const sent: string[] = [];
  const entries: string[] = [];
  const record = (entry: { src?: string; msg?: string }) => {
    entries.push(JSON.stringify(entry));
    if (entry?.src === 'c') sent.push(String(entry.msg));
  };
  const client = new ImapFlow({
    ...imapFlowOptions(dovecot.endpoint(), { user: user.name, password: user.password }),
    auth: { user: user.name, pass: user.password, loginMethod: 'AUTH=PLAIN' },
    logger: { debug: record, info: record, warn: record, error: record } as never,
  });
  await client.connect();
  await client.logout();
  const secret = Buffer.from(`\0${user.name}\0${user.password}`).toString('base64');
  for (const entry of entries) {
    assert.ok(!entry.includes(user.password) && !entry.includes(secret), `a log entry holds the password: ${entry}`);
  }
  return sent;
}

test('SASL PLAIN is one round trip where the server offers SASL-IR, two where not; the password is never logged', async () => {
  const user = users[3];
  const withIr = await plainLoginLines(server, user);
  const auth = withIr.filter((line) => /AUTHENTICATE PLAIN/.test(line));
  assert.equal(auth.length, 1);
  assert.match(auth[0], /AUTHENTICATE PLAIN "\(\* value hidden \*\)"$/, 'the response rides on the command line');
  assert.equal(withIr[withIr.indexOf(auth[0]) + 1]?.includes('AUTHENTICATE'), false);
  assert.ok(!withIr.some((line) => /^[A-Za-z0-9+/=]{16,}$/.test(line)), 'no separate response line');

  const old = await startDovecot({ users, capabilities: { remove: ['SASL-IR'] } });
  try {
    const withoutIr = await plainLoginLines(old, user);
    const index = withoutIr.findIndex((line) => /AUTHENTICATE PLAIN$/.test(line));
    assert.ok(index >= 0, withoutIr.join('\n'));
    assert.match(withoutIr[index + 1], /^[A-Za-z0-9+/=]+$/, 'the response follows the server\'s "+"');
  } finally {
    await old.stop();
  }
});
