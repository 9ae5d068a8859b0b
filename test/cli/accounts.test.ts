// accounts import/export/list through the real CLI (docs/spec.md C2).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { hasStack, run, tempDir } from './support.ts';

const work = tempDir();
const dataDir = path.join(work, 'data');

function csv(name: string, text: string | Buffer): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

test('accounts: import (BOM, CRLF, quotes), list, bad rows, duplicates, --update, export', async () => {
  const good = csv(
    'good.csv',
    '\uFEFFEmail, Password ,ADMIN\r\nAnna@x.org,"a, ""b""",yes\r\n\r\nben@x.org,,\r\ncara@x.org,pw,n\r\n',
  );
  const first = await run(['accounts', 'import', good], { dataDir });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Imported 3 accounts .*\(3 added, 0 updated\)/);

  const bad = csv(
    'bad.csv',
    [
      'email,password,admin', // 1
      'new@x.org,pw,yes', // 2 good
      'not-an-email,pw,no', // 3
      'two@x.org,pw', // 4
      '', // 5 blank: skipped
      'three@x.org,pw,maybe', // 6
      'NEW@x.org,pw,no', // 7 duplicate of line 2
      'anna@x.org,pw,no', // 8 already present
      'tab@x.org,"a\tb",no', // 9 control character
    ].join('\n') + '\n',
  );
  // Writers one at a time (a second one would find the data dir locked); the failed
  // reads of missing.csv and latin1.csv never open the store.
  const rejected = await run(['accounts', 'import', bad], { dataDir });
  const [again, missing, latin1] = await Promise.all([
    run(['accounts', 'import', good], { dataDir }),
    run(['accounts', 'import', path.join(work, 'nope.csv')], { dataDir }),
    run(['accounts', 'import', csv('latin1.csv', Buffer.from('email,password,admin\nx@y.z,caf\xe9,no\n', 'latin1'))], {
      dataDir,
    }),
  ]);
  assert.equal(rejected.code, 2);
  assert.deepEqual(rejected.stderr.trimEnd().split('\n'), [
    `imap-migrate: ${bad}: 6 bad rows, nothing imported`,
    '  line 3: "not-an-email" is not a valid email address (it needs exactly one @)',
    '  line 4: expected 3 columns (email,password,admin), found 2',
    '  line 6: admin must be yes, no, true, false, 1, 0, y, n or empty, not "maybe"',
    '  line 7: new@x.org is also on line 2',
    '  line 8: anna@x.org is already in the directory (use --update to change it)',
    '  line 9: the password holds a control character (tab, line break, ...)',
  ]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /3 bad rows, nothing imported/);
  for (const r of [missing, latin1]) {
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(hasStack(r.stderr), false);
  }
  assert.match(missing.stderr, /cannot read CSV file .*nope\.csv: no such file/);
  assert.match(latin1.stderr, /is not UTF-8 text/);

  const update = await run(
    [
      'accounts',
      'import',
      csv('update.csv', 'email,password,admin\nben@x.org,new pw,yes\ndan@x.org,,no\n'),
      '--update',
    ],
    { dataDir },
  );
  assert.equal(update.code, 0, update.stderr);
  assert.match(update.stdout, /1 added, 1 updated/);

  const out = path.join(work, 'out.csv');
  const [list, exported, toFile] = await Promise.all([
    run(['accounts', 'list', '--json'], { dataDir }),
    run(['accounts', 'export'], { dataDir }),
    run(['accounts', 'export', out, '--with-passwords'], { dataDir }),
  ]);
  const accounts = JSON.parse(list.stdout) as { email: string; admin: boolean; hasPassword: boolean }[];
  assert.deepEqual(
    accounts.map((a) => [a.email, a.admin, a.hasPassword]),
    [
      ['anna@x.org', true, true],
      ['ben@x.org', true, true],
      ['cara@x.org', false, true],
      ['dan@x.org', false, false],
    ],
  );
  assert.equal(
    exported.stdout,
    'email,password,admin\nanna@x.org,,yes\nben@x.org,,yes\ncara@x.org,,no\ndan@x.org,,no\n',
  );
  assert.equal(toFile.code, 0, toFile.stderr);
  assert.match(toFile.stderr, /plaintext passwords/);
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(out, 'utf8').split('\n')[1], 'anna@x.org,"a, ""b""",yes');
});

test('accounts: add, edit (admin toggle, name), remove', async () => {
  const dir = path.join(tempDir(), 'data');
  assert.equal((await run(['accounts', 'add', 'Eve@X.org', '--name', 'Eve E'], { dataDir: dir })).code, 0);
  const edited = await run(['accounts', 'edit', 'eve@x.org', '--admin', '--name', '', '--json'], { dataDir: dir });
  assert.equal(edited.code, 0, edited.stderr);
  assert.deepEqual([JSON.parse(edited.stdout).admin, JSON.parse(edited.stdout).displayName], [true, null]);
  // `edit` with nothing to change fails before it opens the store, so both can run at once.
  const [nothing, removed] = await Promise.all([
    run(['accounts', 'edit', 'eve@x.org'], { dataDir: dir }),
    run(['accounts', 'remove', 'EVE@x.org'], { dataDir: dir }),
  ]);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /^imap-migrate: nothing to change/);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(removed.stdout, 'Removed eve@x.org\n');
});
