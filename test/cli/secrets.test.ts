// No password in plaintext anywhere in the data dir (Foundation item 6), owner-only modes (C4).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { run, tempDir } from './support.ts';

const PASSWORDS = {
  admin: 'Admin pw with spaces',
  smtp: 'smtp-"quoted"-pw',
  added: 'añadido ünïcødé ✓',
  fromFile: 'from a file; semi',
  imported: 'imp "q" , comma',
  imported2: 'zweites Passwört',
  edited: 'edited-pw-42',
};

/** Every byte form a leak could take: UTF-8, base64, JSON-escaped, hex. */
function forms(secret: string): Buffer[] {
  return [
    Buffer.from(secret, 'utf8'),
    Buffer.from(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, '')),
    Buffer.from(JSON.stringify(secret).slice(1, -1)),
    Buffer.from(
      JSON.stringify(secret)
        .slice(1, -1)
        .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ),
    Buffer.from(Buffer.from(secret, 'utf8').toString('hex')),
  ];
}

function filesIn(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? [full, ...filesIn(full)] : [full];
  });
}

function assertNoSecrets(dataDir: string, secrets: string[]): void {
  const files = filesIn(dataDir).filter((file) => fs.statSync(file).isFile());
  assert.ok(files.length >= 2, `files: ${files.join(', ')}`);
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const secret of secrets) {
      for (const form of forms(secret))
        assert.equal(bytes.includes(form), false, `${path.basename(file)} holds ${JSON.stringify(secret)}`);
    }
  }
}

function writeCsv(dir: string): string {
  const file = path.join(dir, 'accounts.csv');
  fs.writeFileSync(
    file,
    `email,password,admin\r\nimp1@x.org,"imp ""q"" , comma",yes\r\nimp2@x.org,${PASSWORDS.imported2},no\r\n`,
  );
  return file;
}

test('secrets: after every command that stores a password, no file of the data dir holds one; modes are 0700/0600', async () => {
  const work = tempDir();
  const dataDir = path.join(work, 'data');
  const pwFile = path.join(work, 'pw.txt');
  fs.writeFileSync(pwFile, `${PASSWORDS.fromFile}\n`);
  const steps: [string[], Record<string, string>?][] = [
    [
      ['destination', 'set', '--host', 'imap.example', '--admin-user', 'master'],
      { IMAP_MIGRATE_ADMIN_PASSWORD: PASSWORDS.admin },
    ],
    [
      [
        'smtp',
        'set',
        '--host',
        'smtp.example',
        '--user',
        'u',
        '--password',
        PASSWORDS.smtp,
        '--from',
        'ops@example.org',
      ],
    ],
    [['accounts', 'add', 'added@x.org', '--password', PASSWORDS.added, '--admin']],
    [['accounts', 'add', 'file@x.org', '--password-file', pwFile]],
    [['accounts', 'import', writeCsv(work)]],
    [['accounts', 'edit', 'file@x.org', '--password', PASSWORDS.edited]],
  ];
  for (const [args, env] of steps) {
    const r = await run(args, { dataDir, env });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  assertNoSecrets(dataDir, Object.values(PASSWORDS));
  assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
  for (const file of filesIn(dataDir)) assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
  assert.ok(fs.existsSync(path.join(dataDir, 'secret.key')));

  // They are all still there, sealed: an export with passwords gives them back.
  const exported = await run(['accounts', 'export', '--with-passwords', '--json'], { dataDir });
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stderr, /plaintext passwords/);
  const byEmail = Object.fromEntries(
    JSON.parse(exported.stdout).map((a: { email: string; password: string }) => [a.email, a.password]),
  );
  assert.deepEqual(byEmail, {
    'added@x.org': PASSWORDS.added,
    'file@x.org': PASSWORDS.edited,
    'imp1@x.org': PASSWORDS.imported,
    'imp2@x.org': PASSWORDS.imported2,
  });
});

test('secrets: with IMAP_MIGRATE_KEY there is no key file; a wrong key is a clear one-line error', async () => {
  const work = tempDir();
  const dataDir = path.join(work, 'data');
  const env = { IMAP_MIGRATE_KEY: 'the right key' };
  const set = await run(
    ['destination', 'set', '--host', 'h', '--admin-user', 'a', '--admin-password', PASSWORDS.admin],
    { dataDir, env },
  );
  assert.equal(set.code, 0, set.stderr);
  const imported = await run(['accounts', 'import', writeCsv(work)], { dataDir, env });
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(fs.existsSync(path.join(dataDir, 'secret.key')), false);
  assertNoSecrets(dataDir, Object.values(PASSWORDS));
  const [right, wrong, none] = await Promise.all([
    run(['accounts', 'export', '--with-passwords'], { dataDir, env }),
    run(['accounts', 'export', '--with-passwords'], { dataDir, env: { IMAP_MIGRATE_KEY: 'a wrong key' } }),
    run(['accounts', 'add', 'new@x.org', '--password', 'x'], { dataDir }),
  ]);
  assert.equal(right.code, 0, right.stderr);
  assert.ok(right.stdout.includes(PASSWORDS.imported2));
  assert.equal(wrong.code, 2);
  assert.match(
    wrong.stderr,
    /^imap-migrate: cannot decrypt stored passwords: the key from IMAP_MIGRATE_KEY does not match the one they were saved with/,
  );
  assert.equal(wrong.stderr.trim().split('\n').length, 1);
  assert.equal(none.code, 2, 'no key at all: nothing is sealed with a new key');
  assert.match(none.stderr, /cannot decrypt stored passwords: the key file .*secret\.key is missing/);
  assert.equal(fs.existsSync(path.join(dataDir, 'secret.key')), false);
});
