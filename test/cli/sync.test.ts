// `sync create`, `sync run`, `sync show` through the real CLI between two real Dovecots:
// what a newcomer does from the README.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { hasStack, run, tempDir } from './support.ts';

const users = [
  { name: 'ann@example.com', password: 'ann pass' },
  { name: 'ben@example.com', password: 'ben-pass' },
  { name: 'cat@example.com', password: 'cat-pass' },
];
let source: Dovecot;
let destination: Dovecot;
let dataDir: string;

before(async () => {
  [source, destination] = await Promise.all([
    startDovecot({ users, separator: '.' }),
    startDovecot({ users, separator: '/' }),
  ]);
  for (const user of users) {
    await seedMailbox(source, user.name, [
      {
        path: 'INBOX',
        messages: Array.from({ length: 5 }, (_, i) => ({
          raw: makeMessage({ subject: `${user.name} ${i}`, messageId: `<${i}.${user.name}>` }),
        })),
      },
      { path: 'Archive/2024', messages: [{ raw: makeMessage({ subject: 'old', messageId: `<old.${user.name}>` }) }] },
    ]);
  }
  dataDir = tempDir();
  const csv = path.join(tempDir('imap-migrate-csv-'), 'accounts.csv');
  fs.writeFileSync(csv, 'email,password,admin\n' + users.map((u) => `${u.name},"${u.password}",no`).join('\n') + '\n');
  const port = String(destination.port);
  assert.equal(
    (await run(['destination', 'set', '--host', '127.0.0.1', '--port', port, '--tls', 'none'], { dataDir })).code,
    0,
  );
  const imported = await run(['accounts', 'import', csv], { dataDir });
  assert.equal(imported.code, 0, imported.stderr);
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop()]);
});

const syncArgs = () => [
  'sync',
  'create',
  '--host',
  '127.0.0.1',
  '--port',
  String(source.port),
  '--tls',
  'none',
  '--mode',
  'new',
  '--threads',
  '2',
];

test('a dry run sync reports what it would copy and changes nothing', async () => {
  const created = await run([...syncArgs(), '--group', 'specific', '--accounts', 'ann@example.com'], { dataDir });
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  const result = await run(['sync', 'run', id], { dataDir });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /ann@example.com\s+complete\s+6\s+6/);
  const dst = await readMailbox(destination, 'ann@example.com');
  assert.equal(dst.folders.find((f) => f.path === 'INBOX')?.messages.length, 0);
});

test('sync create + sync run migrates every account; show --json gives the counters', async () => {
  const created = await run([...syncArgs(), '--no-dry-run', '--json'], { dataDir });
  assert.equal(created.code, 0, created.stderr);
  const { id } = JSON.parse(created.stdout);
  const result = await run(['sync', 'run', id], { dataDir });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  for (const user of users) {
    const src = await readMailbox(source, user.name);
    const dst = await readMailbox(destination, user.name);
    assert.deepEqual(compareMailboxes(src, dst, { ignoreEmptyExtraFolders: true }), [], user.name);
  }
  const shown = await run(['sync', 'show', id, '--json'], { dataDir });
  assert.equal(shown.code, 0, shown.stderr);
  const json = JSON.parse(shown.stdout);
  assert.equal(json.sync.status, 'Complete');
  assert.equal(json.lastRun.accounts.length, 3);
  for (const account of json.lastRun.accounts) {
    assert.equal(account.counters.downloaded, 6);
    assert.equal(account.counters.messages, 6);
    assert.ok(
      account.log.some((line: { text: string }) =>
        /folder Archive.2024 -> Archive\/2024: created, copied 1/.test(line.text),
      ),
      JSON.stringify(account.log),
    );
  }
  assert.doesNotMatch(shown.stdout + result.stdout, /ann pass|ben-pass/);
  const again = await run(['sync', 'run', id], { dataDir });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /ann@example.com\s+complete\s+6\s+0/);
});

test('an account whose source login fails makes the run exit 1; the others complete', async () => {
  const credentials = path.join(tempDir('imap-migrate-csv-'), 'credentials.csv');
  fs.writeFileSync(credentials, 'email,remote_user,remote_password\nben@example.com,ben@example.com,wrong\n');
  const created = await run([...syncArgs(), '--no-dry-run', '--credentials', credentials], { dataDir });
  assert.equal(created.code, 0, created.stderr);
  const result = await run(['sync', 'run', created.stdout.trim()], { dataDir });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /ben@example.com\s+failed/);
  assert.match(result.stdout, /cat@example.com\s+complete/);
  assert.match(result.stderr, /ben@example.com: AUTH_FAILED/);
  assert.doesNotMatch(result.stderr + result.stdout, /wrong/);
});

test('--connections: create with it, show it, recreate keeps or changes it; bad values are refused; an older sync shows the default', async () => {
  const help = await run(['sync', 'create', '--help'], { dataDir });
  assert.match(
    help.stdout.replace(/\s+/g, ' '),
    /--connections Connections per user on each server; that many folders of an account are synced at once \(default 4; Dovecot allows 10\)/,
  );

  const created = await run([...syncArgs(), '--start', 'manual', '--connections', '6'], { dataDir });
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  const shown = await run(['sync', 'show', id], { dataDir });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /Threads: 2 {2}Connections per user: 6 {2}Group: all/);
  const showJson = async (syncId: string) =>
    JSON.parse((await run(['sync', 'show', syncId, '--json'], { dataDir })).stdout).sync;
  assert.equal((await showJson(id)).connections, 6);

  // The other way to change a sync's settings: recreate it with the option (and without: it carries over).
  const changed = await run(['sync', 'recreate', id, '--connections', '8', '--start', 'manual'], { dataDir });
  assert.equal(changed.code, 0, changed.stderr);
  assert.equal((await showJson(changed.stdout.trim())).connections, 8);
  const kept = await run(['sync', 'recreate', id, '--threads', '3', '--start', 'manual'], { dataDir });
  assert.equal(kept.code, 0, kept.stderr);
  const copy = await showJson(kept.stdout.trim());
  assert.equal(copy.connections, 6);
  assert.equal(copy.threads, 3);

  const syncsFile = path.join(dataDir, 'syncs.db');
  // The saved syncs, one document a line (NeDB may rewrite the file in another order when it loads it).
  const savedSyncs = () => fs.readFileSync(syncsFile, 'utf8').split('\n').filter(Boolean).sort();
  const before = savedSyncs();
  for (const [args, value] of [
    [[...syncArgs(), '--connections', '0'], '0'],
    [[...syncArgs(), '--connections', '51'], '51'],
    [[...syncArgs(), '--connections', 'x'], 'x'],
    [['sync', 'recreate', id, '--connections', '0'], '0'],
  ] as const) {
    const result = await run([...args], { dataDir });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    assert.ok(!hasStack(result.stderr), result.stderr);
    assert.equal(
      result.stderr.trim(),
      `imap-migrate: --connections must be a whole number from 1 to 50, not "${value}"`,
    );
  }
  assert.deepEqual(savedSyncs(), before, 'a refused --connections stores nothing');

  // A sync saved before the setting existed has no connections field: it shows (and recreates with) the default.
  const created2 = await run([...syncArgs(), '--start', 'manual', '--connections', '9'], { dataDir });
  const oldId = created2.stdout.trim();
  const lines = fs
    .readFileSync(syncsFile, 'utf8')
    .split('\n')
    .map((line) => {
      if (!line.includes(oldId)) return line;
      const doc = JSON.parse(line);
      delete doc.connections;
      return JSON.stringify(doc);
    });
  fs.writeFileSync(syncsFile, lines.join('\n'));
  assert.ok(
    !fs
      .readFileSync(syncsFile, 'utf8')
      .split('\n')
      .some((line) => line.includes(oldId) && line.includes('connections')),
  );
  assert.match((await run(['sync', 'show', oldId], { dataDir })).stdout, /Connections per user: 4 /);
  assert.equal((await showJson(oldId)).connections, 4);
  const fromOld = await run(['sync', 'recreate', oldId, '--start', 'manual'], { dataDir });
  assert.equal((await showJson(fromOld.stdout.trim())).connections, 4);
});

test('bad sync input is exit 2 with one line', async () => {
  for (const args of [
    ['sync', 'show', 'nosuchid'],
    ['sync', 'create', '--host', '127.0.0.1', '--mode', 'everything'],
    ['sync', 'create', '--host', '127.0.0.1', '--port', '99999', '--mode', 'new'],
    ['sync', 'create', '--host', '127.0.0.1', '--mode', 'all', '--no-dry-run'],
    ['sync', 'create', '--host', '127.0.0.1', '--mode', 'new', '--notify', 'a@x.org;not an address'],
    [
      'sync',
      'create',
      '--host',
      '127.0.0.1',
      '--mode',
      'new',
      '--group',
      'specific',
      '--accounts',
      'nobody@example.com',
    ],
  ]) {
    const result = await run(args, { dataDir });
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.ok(!hasStack(result.stderr), result.stderr);
    assert.match(result.stderr.split('\n')[0], /^imap-migrate: /);
  }
});
