// Logins with awkward usernames and passwords (issue 7 item 4), against real Dovecot, with
// LOGIN and with SASL PLAIN (admin login): spaces, quotes, backslashes and non-ASCII in
// passwords; non-ASCII in names. (Dovecot's passwd-file cannot hold names
// with spaces, and escapes a quote or backslash of a name before looking it up, so
// such names cannot be tried here; its log shows they arrive intact.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testLogin } from '../../source/imap/connection.ts';
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
    const asAdmin = await testLogin(server.endpoint(), { user: master.name, password: master.password, authzid: user.name });
    assert.equal(asAdmin.ok, true, `admin as ${user.name}: ${JSON.stringify(asAdmin)}`);
  }
  const wrong = await testLogin(server.endpoint(), { user: users[1].name, password: 'wrong "guess" \\' });
  assert.equal(wrong.ok, false);
  assert.equal(wrong.ok ? '' : wrong.code, 'AUTH_FAILED');
  assert.doesNotMatch(wrong.ok ? '' : wrong.reason, /guess/);
});
