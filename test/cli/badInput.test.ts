// Bad input everywhere (issue 7 item 4): malformed option values and files for every
// command — wrong types, empty, huge, control characters, CR/LF, non-UTF-8 bytes — give
// exit 2 with one clear line, no stack trace, and change nothing in the data dir.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { hasStack, run, tempDir } from './support.ts';

const root = tempDir();
const dataDir = path.join(root, 'data');
let syncId = '';

function file(name: string, content: string | Buffer): string {
  const full = path.join(root, name);
  fs.writeFileSync(full, content);
  return full;
}

function snapshot(dir: string): string {
  const hash = crypto.createHash('sha256');
  for (const name of fs.readdirSync(dir).sort()) {
    if (name === 'lock') continue;
    hash.update(name).update(fs.readFileSync(path.join(dir, name)));
  }
  return hash.digest('hex');
}

before(async () => {
  const setup = [
    ['destination', 'set', '--host', '127.0.0.1', '--port', '1143', '--tls', 'none'],
    ['accounts', 'add', 'ann@example.com', '--password', 'pw'],
  ];
  for (const args of setup) assert.equal((await run(args, { dataDir })).code, 0);
  const created = await run(
    ['sync', 'create', '--host', '127.0.0.1', '--tls', 'none', '--mode', 'new', '--start', 'manual'],
    { dataDir },
  );
  syncId = created.stdout.trim();
  assert.ok(syncId);
});

const huge = 'x'.repeat(100_000);
const sync = (...args: string[]) => ['sync', 'create', '--host', 'imap.example.org', '--mode', 'new', ...args];

function cases(): [string, string[]][] {
  return [
    ['port not a number', ['destination', 'set', '--host', 'h', '--port', 'abc']],
    ['port empty', ['destination', 'set', '--host', 'h', '--port', '']],
    ['port negative', ['destination', 'set', '--host', 'h', '--port', '-1']],
    ['port huge', ['destination', 'set', '--host', 'h', '--port', '9'.repeat(40)]],
    ['host empty', ['destination', 'set', '--host', '']],
    ['host with CR/LF', ['destination', 'set', '--host', 'imap\r\nexample.org']],
    ['host huge', ['destination', 'set', '--host', huge]],
    ['host with a control character', ['destination', 'set', '--host', 'imap\u0007.org']],
    ['tls unknown', ['destination', 'set', '--host', 'h', '--tls', 'ssl3']],
    ['admin user with LF', ['destination', 'set', '--host', 'h', '--admin-user', 'ad\nmin', '--admin-password', 'p']],
    // A command line cannot hold NUL; a password file can.
    ['password file with NUL', ['accounts', 'add', 'bob@example.com', '--password-file', file('nul.pw', 'a\u0000b')]],
    ['password file empty', ['accounts', 'add', 'bob@example.com', '--password-file', file('empty.pw', '')]],
    ['email with CR/LF', ['accounts', 'add', 'bob@exa\r\nmple.com']],
    ['email huge', ['accounts', 'add', `${huge}@example.com`]],
    ['email without @', ['accounts', 'add', 'bob']],
    ['unknown account', ['accounts', 'remove', 'nobody@example.com']],
    ['csv missing', ['accounts', 'import', path.join(root, 'missing.csv')]],
    [
      'csv not UTF-8',
      [
        'accounts',
        'import',
        file(
          'latin1.csv',
          Buffer.from([
            ...Buffer.from('email,password,admin\n'),
            0x63,
            0xe9,
            0x40,
            0x78,
            0x2e,
            0x6f,
            0x72,
            0x67,
            0x2c,
            0x2c,
            0x6e,
            0x6f,
            0x0a,
          ]),
        ),
      ],
    ],
    ['csv binary', ['accounts', 'import', file('binary.csv', crypto.randomBytes(2000))]],
    ['csv empty', ['accounts', 'import', file('empty.csv', '')]],
    ['csv bad header', ['accounts', 'import', file('header.csv', 'mail,pass\nbob@example.com,x\n')]],
    [
      'csv CR inside a field',
      ['accounts', 'import', file('cr.csv', 'email,password,admin\n"bob@exa\rmple.com",x,no\n')],
    ],
    [
      'csv unterminated quote',
      ['accounts', 'import', file('quote.csv', 'email,password,admin\n"bob@example.com,x,no\n')],
    ],
    ['csv wrong columns', ['accounts', 'import', file('cols.csv', 'email,password,admin\nbob@example.com,x\n')]],
    ['smtp from missing', ['smtp', 'set', '--host', 'h']],
    ['smtp from not an address', ['smtp', 'set', '--host', 'h', '--from', 'not an address']],
    ['mode unknown', sync('--mode', 'everything')],
    ['mode empty', ['sync', 'create', '--host', 'h', '--mode', '']],
    ['threads zero', sync('--threads', '0')],
    ['threads huge', sync('--threads', '100000')],
    ['threads not a number', sync('--threads', 'many')],
    ['connections zero', sync('--connections', '0')],
    ['connections over the maximum', sync('--connections', '51')],
    ['connections not a number', sync('--connections', 'x')],
    ['connections bad on recreate', ['sync', 'recreate', '__ID__', '--connections', '0']],
    ['start not a date', sync('--start', 'tomorrow')],
    ['start impossible date', sync('--start', '2026-13-45T25:00')],
    ['loop until in the past', sync('--loop-until', '2001-01-01T00:00')],
    ['loop interval bad', sync('--loop-until', '2099-01-01T00:00', '--loop-interval', 'often')],
    ['notify too long', sync('--notify', Array.from({ length: 30 }, (_, i) => `user${i}@example.com`).join(';'))],
    ['notify with LF', sync('--notify', 'a@example.com\nb@example.com')],
    ['group unknown', sync('--group', 'some')],
    ['specific without accounts', sync('--group', 'specific')],
    ['append domain bad', sync('--append-domain', 'not a domain')],
    ['both domain edits', sync('--append-domain', 'example.org', '--remove-domain')],
    ['delete guard bad', sync('--delete-guard', '150')],
    ['credentials missing file', sync('--credentials', path.join(root, 'nope.csv'))],
    [
      'credentials bad header',
      sync('--credentials', file('creds-header.csv', 'email,user,pass\nann@example.com,a,b\n')),
    ],
    [
      'credentials LF in username',
      sync('--credentials', file('creds-lf.csv', 'email,remote_user,remote_password\nann@example.com,"an\nn",pw\n')),
    ],
    [
      'credentials unknown account',
      sync('--credentials', file('creds-unknown.csv', 'email,remote_user,remote_password\nzed@example.com,z,pw\n')),
    ],
    [
      'credentials not UTF-8',
      sync(
        '--credentials',
        file(
          'creds-latin1.csv',
          Buffer.concat([
            Buffer.from('email,remote_user,remote_password\nann@example.com,'),
            Buffer.from([0xe9, 0xe8]),
            Buffer.from(',pw\n'),
          ]),
        ),
      ),
    ],
    ['sync id unknown', ['sync', 'show', 'does-not-exist']],
    ['sync id empty', ['sync', 'run', '']],
    ['threads control bad', ['sync', 'threads', '__ID__', '-3']],
    ['note empty', ['sync', 'note', '__ID__', '   ']],
    ['note with control characters', ['sync', 'note', '__ID__', 'a\u001bb']],
    ['restart a manual sync', ['sync', 'restart', '__ID__']],
    ['unknown command', ['frobnicate']],
    ['unknown option', ['accounts', 'list', '--colour']],
  ];
}

test('bad input: exit 2, one clear line, no stack trace, nothing stored', async () => {
  const all = cases().map(([label, args]) => [label, args.map((arg) => arg.replace('__ID__', syncId))] as const);
  const failures: string[] = [];
  const template = snapshot(dataDir);
  // Each case on its own copy of the data dir, a few at a time (each is a process start).
  const check = async ([label, args]: readonly [string, string[]], index: number) => {
    const copy = path.join(root, `case-${index}`);
    fs.cpSync(dataDir, copy, { recursive: true });
    const result = await run(args, { dataDir: copy });
    const first = result.stderr.split('\n')[0];
    if (result.code !== 2) failures.push(`${label}: exit ${result.code} (${first || result.stdout.split('\n')[0]})`);
    else if (hasStack(result.stderr)) failures.push(`${label}: stack trace`);
    else if (!/^imap-migrate: \S/.test(first) || first.length > 400)
      failures.push(`${label}: first line "${first.slice(0, 120)}"`);
    else if (snapshot(copy) !== template) failures.push(`${label}: the data dir changed`);
  };
  for (let start = 0; start < all.length; start += 4) {
    await Promise.all(all.slice(start, start + 4).map((entry, offset) => check(entry, start + offset)));
  }
  assert.deepEqual(failures.sort(), []);
});
