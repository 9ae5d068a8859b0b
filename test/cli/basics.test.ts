import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { firstLine, hasStack, run, tempDir } from './support.ts';

const dataDir = path.join(tempDir(), 'data');

test('cli: --help lists the commands', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  for (const command of ['destination', 'accounts', 'smtp'])
    assert.match(r.stdout, new RegExp(`imap-migrate ${command}\\b`));
});

test('cli: bad usage is one line (plus help), exit 2, no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['destination', 'set', '--host', 'h', '--port', 'abc'],
      /^imap-migrate: --port must be a whole number from 1 to 65535, not "abc"$/,
    ],
    [['destination', 'set', '--host', 'h', '--port', '70000'], /--port must be a whole number from 1 to 65535/],
    [['destination', 'set', '--host', 'h', '--tls', 'ssl'], /--tls must be one of none, starttls, tls/],
    [['destination', 'set', '--host', 'h', '--admin-password', 'x'], /--admin-password needs --admin-user/],
    [['frobnicate'], /Unknown argument: frobnicate/],
    [['accounts'], /give a subcommand: accounts add/],
    [
      ['accounts', 'remove', 'ghost@example.org'],
      /^imap-migrate: no account ghost@example.org in the directory; see `imap-migrate accounts list`$/,
    ],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args, { dataDir })));
  results.forEach((r, index) => {
    const [args, pattern] = cases[index];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(firstLine(r.stderr), pattern);
    assert.equal(hasStack(r.stderr), false, r.stderr);
    assert.equal(r.stdout, '');
  });
  assert.match(results[5].stderr, /imap-migrate accounts add <email>/, 'the accounts help follows');
});

test('cli: destination set/show/test, smtp set/show; show masks passwords; JSON parses', async () => {
  const set = await run(
    [
      'destination',
      'set',
      '--host',
      'imap.example',
      '--tls',
      'tls',
      '--admin-user',
      'master',
      '--admin-password',
      'Adm1n-secret',
    ],
    { dataDir },
  );
  assert.equal(set.code, 0, set.stderr);
  assert.ok(!set.stdout.includes('Adm1n-secret'));
  const [show, json, smtp] = await Promise.all([
    run(['destination', 'show'], { dataDir }),
    run(['destination', 'show', '--json'], { dataDir }),
    run(
      [
        'smtp',
        'set',
        '--host',
        'smtp.example',
        '--tls',
        'tls',
        '--user',
        'u',
        '--password',
        'Smtp-secret',
        '--from',
        'ops@example.org',
        '--json',
      ],
      { dataDir },
    ),
  ]);
  assert.match(show.stdout, /Port: +993/);
  assert.match(show.stdout, /\*{8}/);
  assert.ok(!show.stdout.includes('Adm1n-secret'));
  const parsed = JSON.parse(json.stdout);
  assert.deepEqual(
    [parsed.host, parsed.port, parsed.tls, parsed.adminUser, parsed.adminPassword],
    ['imap.example', 993, 'tls', 'master', '********'],
  );
  assert.equal(smtp.code, 0, smtp.stderr);
  assert.equal(JSON.parse(smtp.stdout).port, 465);
  const smtpShow = await run(['smtp', 'show', '--json'], { dataDir });
  assert.ok(!smtpShow.stdout.includes('Smtp-secret'));
  assert.equal(JSON.parse(smtpShow.stdout).password, '********');
});

test('cli: destination test without a destination, and without admin login or --account', async () => {
  const empty = path.join(tempDir(), 'data');
  const none = await run(['destination', 'test'], { dataDir: empty });
  assert.equal(none.code, 2);
  assert.match(
    none.stderr,
    /^imap-migrate: no destination server set; run `imap-migrate destination set --host \.\.\.`/,
  );
  await run(['destination', 'set', '--host', '127.0.0.1', '--port', '1', '--tls', 'none'], { dataDir: empty });
  const noAccount = await run(['destination', 'test'], { dataDir: empty });
  assert.equal(noAccount.code, 2);
  assert.match(noAccount.stderr, /give --account EMAIL/);
});

test('cli: the data dir comes from --data-dir, else IMAP_MIGRATE_HOME', async () => {
  const envDir = path.join(tempDir(), 'env-home');
  const flagDir = path.join(tempDir(), 'flag-home');
  const [fromEnv, fromFlag] = await Promise.all([
    run(['accounts', 'add', 'env@x.org'], { env: { IMAP_MIGRATE_HOME: envDir } }),
    run(['--data-dir', flagDir, 'accounts', 'add', 'flag@x.org'], {
      env: { IMAP_MIGRATE_HOME: path.join(envDir, 'unused') },
    }),
  ]);
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.equal(fromFlag.code, 0, fromFlag.stderr);
  assert.ok(fs.readFileSync(path.join(envDir, 'accounts.db'), 'utf8').includes('env@x.org'));
  assert.ok(fs.readFileSync(path.join(flagDir, 'accounts.db'), 'utf8').includes('flag@x.org'));
  assert.equal(fs.existsSync(path.join(envDir, 'unused')), false);
});
