// `destination test` against real Dovecot: OK, a refused password, a refused port, an
// untrusted certificate refused unless allowed, STARTTLS required but absent, master login.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { getFreePort } from '../helpers/ports.ts';
import { hasStack, run, tempDir } from './support.ts';

const ann = { name: 'ann@example.com', password: 'ann "quoted" päss' };
const master = { name: 'admin', password: 'master-secret' };
let plain: Dovecot;
let secure: Dovecot;

before(async () => {
  [plain, secure] = await Promise.all([
    startDovecot({ users: [ann], masterUser: master }),
    startDovecot({ users: [ann], tls: true, starttls: true }),
  ]);
});

after(async () => {
  await Promise.all([plain?.stop(), secure?.stop()]);
});

async function setUp(destination: string[], password = ann.password): Promise<string> {
  const dataDir = path.join(tempDir(), 'data');
  const set = await run(['destination', 'set', '--host', '127.0.0.1', ...destination], { dataDir });
  assert.equal(set.code, 0, set.stderr);
  const file = path.join(path.dirname(dataDir), 'pw');
  fs.writeFileSync(file, password + '\n');
  const added = await run(['accounts', 'add', ann.name, '--password-file', file], { dataDir });
  assert.equal(added.code, 0, added.stderr);
  return dataDir;
}

test('destination test: OK with the account password, FAILED with a wrong one', async () => {
  const good = await setUp(['--port', String(plain.port), '--tls', 'none']);
  const ok = await run(['destination', 'test', '--account', ann.name], { dataDir: good });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^OK: logged in to 127\.0\.0\.1:\d+ as ann@example\.com/);

  const bad = await setUp(['--port', String(plain.port), '--tls', 'none'], 'not-the-password');
  const refused = await run(['destination', 'test', '--account', ann.name], { dataDir: bad });
  assert.equal(refused.code, 1);
  assert.match(refused.stdout + refused.stderr, /FAILED: .*refused/i);
  assert.doesNotMatch(refused.stdout + refused.stderr, /not-the-password/);
  assert.ok(!hasStack(refused.stderr));
});

test('destination test: an admin (master) login acts as the account', async () => {
  const dataDir = path.join(tempDir(), 'data');
  const set = await run(
    [
      'destination',
      'set',
      '--host',
      '127.0.0.1',
      '--port',
      String(plain.port),
      '--tls',
      'none',
      '--admin-user',
      master.name,
    ],
    { dataDir, env: { IMAP_MIGRATE_ADMIN_PASSWORD: master.password } },
  );
  assert.equal(set.code, 0, set.stderr);
  const ok = await run(['destination', 'test', '--account', ann.name], { dataDir });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /OK/);
});

test('destination test: a refused port names the host and port', async () => {
  const dataDir = await setUp(['--port', String(await getFreePort()), '--tls', 'none']);
  const result = await run(['destination', 'test', '--account', ann.name], { dataDir });
  assert.equal(result.code, 1);
  assert.match(result.stdout + result.stderr, /cannot connect to 127\.0\.0\.1:\d+/);
});

test('destination test: an untrusted certificate is refused unless allowed, for TLS and STARTTLS', async () => {
  for (const [tls, port] of [
    ['tls', secure.tlsPort!],
    ['starttls', secure.port],
  ] as const) {
    const strict = await setUp(['--port', String(port), '--tls', tls]);
    const refused = await run(['destination', 'test', '--account', ann.name], { dataDir: strict });
    assert.equal(refused.code, 1, `${tls}: ${refused.stdout}`);
    assert.match(refused.stdout + refused.stderr, /TLS with 127\.0\.0\.1:\d+ .*failed.*certificate/i);
    const allowed = await setUp(['--port', String(port), '--tls', tls, '--allow-invalid-cert']);
    const ok = await run(['destination', 'test', '--account', ann.name], { dataDir: allowed });
    assert.equal(ok.code, 0, `${tls}: ${ok.stdout} ${ok.stderr}`);
  }
});

test('destination test: STARTTLS chosen but not offered is an error, never plaintext', async () => {
  const dataDir = await setUp(['--port', String(plain.port), '--tls', 'starttls']);
  const result = await run(['destination', 'test', '--account', ann.name], { dataDir });
  assert.equal(result.code, 1);
  assert.match(result.stdout + result.stderr, /STARTTLS/);
});
