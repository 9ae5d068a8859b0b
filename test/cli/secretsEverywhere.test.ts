// No secret anywhere (issue 7 item 6): a whole migration through the CLI — admin logins on
// both sides, account and remote passwords with spaces, quotes, backslashes and non-ASCII,
// notifications — and then every output, every mail and every file of the data dir are
// searched for every password. Those passwords must also log in correctly.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink.ts';
import { run, tempDir, type RunResult } from './support.ts';

const ann = { name: 'ann@example.com', password: 'ann p"ass\\ wörd 1' };
const ben = { name: 'ben@example.com', password: "ben's ünïcode ✓ pw" };
const benOnSource = { name: 'ben.old@example.com', password: 'remote \\"tricky\\" pass' };
const destinationMaster = { name: 'dest-master', password: 'master of dest \\ " ü' };
const sourceMaster = { name: 'src-master', password: 'src master; pass, with comma' };
const wrong = 'not the right one but secret';
const SECRETS = [
  ann.password,
  ben.password,
  benOnSource.password,
  destinationMaster.password,
  sourceMaster.password,
  wrong,
];

let source: Dovecot;
let destination: Dovecot;
let smtp: SmtpSink;

function forms(secret: string): string[] {
  const utf8 = Buffer.from(secret, 'utf8');
  return [
    secret,
    utf8.toString('base64').replace(/=+$/, ''),
    JSON.stringify(secret).slice(1, -1),
    utf8.toString('hex'),
  ];
}

function leaks(text: string | Buffer): string[] {
  const haystack = Buffer.isBuffer(text) ? text.toString('latin1') + text.toString('utf8') : text;
  return SECRETS.flatMap((secret) =>
    forms(secret)
      .filter((form) => haystack.includes(form))
      .map((form) => `${secret} as ${form}`),
  );
}

function filesIn(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesIn(full) : [full];
  });
}

before(async () => {
  [source, destination, smtp] = await Promise.all([
    startDovecot({ users: [ann, benOnSource], masterUser: sourceMaster }),
    startDovecot({ users: [ann, ben], masterUser: destinationMaster }),
    startSmtpSink(),
  ]);
  for (const user of [ann, benOnSource]) {
    await seedMailbox(source, user.name, [
      { path: 'INBOX', messages: [{ raw: makeMessage({ subject: `for ${user.name}` }) }] },
    ]);
  }
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop(), smtp?.close()]);
});

test('no password appears in any output, mail, log, history or file, and every one of them logs in', async () => {
  const root = tempDir();
  const dataDir = path.join(root, 'data');
  const outputs: RunResult[] = [];
  const write = (name: string, text: string) => {
    const file = path.join(root, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const cli = async (args: string[], expected = 0, env: Record<string, string> = {}) => {
    const result = await run(args, { dataDir, env });
    outputs.push(result);
    assert.equal(result.code, expected, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
    return result.stdout.trim();
  };

  await cli([
    'destination',
    'set',
    '--host',
    '127.0.0.1',
    '--port',
    String(destination.port),
    '--tls',
    'none',
    '--admin-user',
    destinationMaster.name,
    '--admin-password-file',
    write('admin.pw', destinationMaster.password),
  ]);
  await cli(['destination', 'show']);
  await cli(['destination', 'show', '--json']);
  await cli(['destination', 'test', '--account', ann.name]);
  await cli([
    'smtp',
    'set',
    '--host',
    '127.0.0.1',
    '--port',
    String(smtp.port),
    '--tls',
    'none',
    '--from',
    'm@example.com',
  ]);
  await cli(['accounts', 'add', ann.name, '--password-file', write('ann.pw', ann.password), '--admin']);
  await cli([
    'accounts',
    'import',
    write('accounts.csv', `email,password,admin\n${ben.name},"${ben.password.replace(/"/g, '""')}",no\n`),
  ]);
  await cli(['accounts', 'list']);
  await cli(['accounts', 'list', '--json']);
  await cli(['accounts', 'export']);
  const credentials = write(
    'creds.csv',
    `email,remote_user,remote_password\n${ben.name},${benOnSource.name},"${benOnSource.password.replace(/"/g, '""')}"\n`,
  );

  // With per-account logins on the source: ann with her own password, ben with his remote one.
  const perAccount = await cli([
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
    '--no-dry-run',
    '--credentials',
    credentials,
    '--notify',
    'ops@example.com',
  ]);
  await cli(['sync', 'test-auth', perAccount]);
  await cli(['sync', 'run', perAccount]);
  await cli(['sync', 'show', perAccount]);
  await cli(['sync', 'show', perAccount, '--json']);
  await cli(['sync', 'list', '--json']);
  await cli(['sync', 'recreate', perAccount, '--threads', '2']);
  for (const [user, sourceUser] of [
    [ann, ann],
    [ben, benOnSource],
  ]) {
    const differences = compareMailboxes(
      await readMailbox(source, sourceUser.name),
      await readMailbox(destination, user.name),
      { ignoreEmptyExtraFolders: true },
    );
    assert.deepEqual(differences, [], `${user.name} migrated with its own logins`);
  }

  // With the source's admin login, and one wrong password making an error on purpose.
  const admin = await cli(
    [
      'sync',
      'create',
      '--host',
      '127.0.0.1',
      '--port',
      String(source.port),
      '--tls',
      'none',
      '--mode',
      'flags-new',
      '--no-dry-run',
      '--group',
      'specific',
      '--accounts',
      ann.name,
      '--source-admin-user',
      sourceMaster.name,
    ],
    0,
    { IMAP_MIGRATE_SOURCE_ADMIN_PASSWORD: sourceMaster.password },
  );
  await cli(['sync', 'run', admin]);
  const failing = await cli([
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
    '--group',
    'specific',
    '--accounts',
    ann.name,
    '--credentials',
    write('wrong.csv', `email,remote_user,remote_password\n${ann.name},${ann.name},${wrong}\n`),
  ]);
  await cli(['sync', 'test-auth', failing], 1);
  await cli(['sync', 'run', failing], 1);
  await cli(['sync', 'show', failing, '--json']);

  const found: string[] = [];
  for (const output of outputs) found.push(...leaks(output.stdout + output.stderr).map((leak) => `output: ${leak}`));
  for (const mail of smtp.received)
    found.push(...leaks(mail.raw + mail.text).map((leak) => `mail "${mail.subject}": ${leak}`));
  for (const file of filesIn(dataDir))
    found.push(...leaks(fs.readFileSync(file)).map((leak) => `${path.relative(dataDir, file)}: ${leak}`));
  assert.ok(smtp.received.length >= 2, 'notifications were sent');
  assert.deepEqual(found, []);
});
