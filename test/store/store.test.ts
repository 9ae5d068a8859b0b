import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DataDirLockedError, UsageError } from '../../source/errors.ts';
import { openStore } from '../../source/store/store.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

function freshDir(): string {
  return path.join(makeTempDir('imap-migrate-store-'), 'data');
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => [name, fs.readFileSync(path.join(dir, name), 'base64')]),
  );
}

const env = {};

test('store: settings round trip, passwords sealed at rest and masked on request', async () => {
  const dataDir = freshDir();
  const store = await openStore({ dataDir, write: true, command: 'test', env });
  assert.equal(store.settings.getDestination(), undefined);
  store.settings.setDestination({
    host: 'imap.example',
    port: 993,
    tls: 'tls',
    allowInvalidCert: true,
    adminUser: 'master',
    adminPassword: 'm4ster pw',
  });
  store.settings.setSmtp({
    host: 'smtp.example',
    port: 587,
    tls: 'starttls',
    allowInvalidCert: false,
    user: 'u',
    password: 'smtp pw',
    from: 'ops@example.org',
  });
  assert.equal(store.settings.getDestination()?.adminPassword, 'm4ster pw');
  assert.equal(store.settings.getDestination('mask')?.adminPassword, '********');
  assert.equal(store.settings.getSmtp()?.password, 'smtp pw');
  await store.close();
  const text = fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8');
  assert.ok(!text.includes('m4ster pw') && !text.includes('smtp pw'));
  assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
  for (const name of fs.readdirSync(dataDir))
    assert.equal(fs.statSync(path.join(dataDir, name)).mode & 0o777, 0o600, name);
  const reader = await openStore({ dataDir, write: false, env });
  assert.equal(reader.settings.getDestination()?.host, 'imap.example');
  assert.throws(
    () => reader.settings.setSmtp({ host: 'x', port: 25, tls: 'none', allowInvalidCert: false, from: 'a@b' }),
    /read-only/,
  );
  await reader.close();
});

test('store: account directory add/get/update/remove/list with lowercased unique emails', async () => {
  const store = await openStore({ dataDir: freshDir(), write: true, env });
  try {
    const added = await store.accounts.add({ email: ' Bob@Example.ORG ', password: 'b pw', displayName: 'Bob' });
    assert.equal(added.email, 'bob@example.org');
    assert.equal(added.hasPassword, true);
    await store.accounts.add({ email: 'alice@example.org', admin: true });
    await assert.rejects(
      store.accounts.add({ email: 'BOB@example.org' }),
      (e: unknown) => e instanceof UsageError && /already in the directory/.test(e.message),
    );
    await assert.rejects(store.accounts.add({ email: 'no-at-sign' }), UsageError);
    assert.equal((await store.accounts.get('BOB@example.org'))?.password, 'b pw');
    assert.deepEqual(
      (await store.accounts.list()).map((a) => a.email),
      ['alice@example.org', 'bob@example.org'],
    );
    assert.equal((await store.accounts.list())[1].password, undefined, 'list does not decrypt by default');
    assert.deepEqual(
      (await store.accounts.list({ admin: true })).map((a) => a.email),
      ['alice@example.org'],
    );
    const changed = await store.accounts.update('bob@example.org', { admin: true, password: null, displayName: null });
    assert.deepEqual([changed.admin, changed.hasPassword, changed.displayName], [true, false, undefined]);
    await store.accounts.remove('Alice@example.org');
    await assert.rejects(
      store.accounts.remove('alice@example.org'),
      (e: unknown) =>
        e instanceof UsageError &&
        e.exitCode === 2 &&
        e.message.startsWith('no account alice@example.org in the directory'),
    );
    await assert.rejects(store.accounts.update('ghost@example.org', { admin: true }), UsageError);
  } finally {
    await store.close();
  }
});

test('store: CSV import is all or nothing; --update changes existing accounts', async () => {
  const store = await openStore({ dataDir: freshDir(), write: true, env });
  try {
    await store.accounts.add({ email: 'old@x.org', password: 'old pw' });
    const bad = 'email,password,admin\nnew@x.org,p,yes\nold@x.org,p,no\nnew@x.org,p,no\n';
    await assert.rejects(store.accounts.importCsv(bad, { source: 'bad.csv' }), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, 'bad.csv: 2 bad rows, nothing imported');
      assert.deepEqual(e.details, [
        'line 3: old@x.org is already in the directory (use --update to change it)',
        'line 4: new@x.org is also on line 2',
      ]);
      return true;
    });
    assert.equal((await store.accounts.list()).length, 1);
    const good = 'email,password,admin\nnew@x.org,n pw,yes\nold@x.org,,1\n';
    assert.deepEqual(await store.accounts.importCsv(good, { source: 'good.csv', update: true }), {
      added: 1,
      updated: 1,
    });
    const old = await store.accounts.get('old@x.org');
    assert.deepEqual([old?.admin, old?.password], [true, 'old pw'], 'an empty password keeps the current one');
    assert.equal((await store.accounts.get('new@x.org'))?.password, 'n pw');
  } finally {
    await store.close();
  }
});

test('store: a writer holds the lock until close; readers need no lock and write nothing', async () => {
  const dataDir = freshDir();
  const reader0 = await openStore({ dataDir, write: false, env });
  assert.deepEqual(await reader0.accounts.list(), []);
  assert.equal(reader0.settings.getSmtp(), undefined);
  await reader0.close();
  assert.equal(fs.existsSync(dataDir), false, 'a read-only open does not create the data dir');

  const writer = await openStore({ dataDir, write: true, command: 'writer', env });
  await writer.accounts.add({ email: 'a@x.org', password: 'pw' });
  await assert.rejects(openStore({ dataDir, write: true, env }), DataDirLockedError);
  const before = snapshot(dataDir);
  const reader = await openStore({ dataDir, write: false, env });
  assert.equal((await reader.accounts.get('a@x.org'))?.password, 'pw');
  await assert.rejects(reader.accounts.add({ email: 'b@x.org' }), /read-only/);
  await assert.rejects(reader.db.collection('other').insert({ a: 1 }), /read-only/);
  assert.deepEqual(await reader.db.collection('missing').find({}), []);
  await reader.close();
  assert.deepEqual(snapshot(dataDir), before, 'the reader changed no file and created none');
  await writer.close();
  assert.equal(fs.existsSync(path.join(dataDir, 'lock')), false);
  const again = await openStore({ dataDir, write: true, env });
  await again.close();
});

test('store: generic collections for other layers', async () => {
  const dataDir = freshDir();
  const store = await openStore({ dataDir, write: true, env });
  const runs = store.db.collection<{ syncId: string; n: number }>('runs');
  await runs.insert({ syncId: 's1', n: 1 });
  assert.equal((await runs.findOne({ syncId: 's1' }))?.n, 1);
  assert.throws(() => store.db.collection('../evil'), /bad collection name/);
  await store.close();
  assert.equal(fs.statSync(path.join(dataDir, 'runs.db')).mode & 0o777, 0o600);
});
