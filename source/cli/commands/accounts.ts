// `accounts add | edit | remove | list | import | export` (docs/spec.md C2): the account directory.
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.ts';
import type { AccountInfo, AccountPatch } from '../../store/accounts.ts';
import { formatCsv } from '../../store/csv.ts';
import { readUserTextFile, writeUserTextFile } from '../../store/dataDir.ts';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';
import { emit, formatTable } from '../output.ts';
import { parseDisplayName, parseEmail, resolvePassword } from '../validate.ts';

function accountJson(a: AccountInfo): Record<string, unknown> {
  return {
    email: a.email,
    admin: a.admin,
    displayName: a.displayName ?? null,
    hasPassword: a.hasPassword,
    createdAt: a.createdAt,
    ...(a.updatedAt ? { updatedAt: a.updatedAt } : {}),
  };
}

function describeAccount(a: AccountInfo): string {
  const parts = [a.admin ? 'admin' : 'not admin', a.hasPassword ? 'password set' : 'no password'];
  if (a.displayName) parts.unshift(JSON.stringify(a.displayName));
  return `${a.email} (${parts.join(', ')})`;
}

interface AddArgs extends GlobalOptions {
  email?: string;
  password?: string;
  'password-file'?: string;
  admin?: boolean;
  name?: string;
}

const add: CommandModule<GlobalOptions, AddArgs> = {
  command: 'add <email>',
  describe: 'Add an account to the directory',
  builder: (y) =>
    y
      .positional('email', { type: 'string', describe: "The account's email address (its login on the destination)" })
      .option('password', { type: 'string', describe: 'Its destination password (optional with an admin login)' })
      .option('password-file', { type: 'string', describe: 'File whose first line is the password' })
      .option('admin', { type: 'boolean', describe: 'Put it in the Admin Accounts group' })
      .option('name', { type: 'string', describe: 'Display name' }) as Argv<AddArgs>,
  handler: async (argv) => {
    const email = parseEmail(argv.email, 'EMAIL');
    const password = resolvePassword({
      value: argv.password,
      valueOption: '--password',
      file: argv['password-file'],
      fileOption: '--password-file',
    });
    const displayName = argv.name === undefined ? undefined : parseDisplayName(argv.name);
    const added = await withStore(argv, { write: true }, (store) =>
      store.accounts.add({ email, password, admin: argv.admin ?? false, displayName: displayName || undefined }),
    );
    emit(argv, `Added ${describeAccount(added)}`, accountJson(added));
  },
};

interface EditArgs extends AddArgs {
  'clear-password'?: boolean;
}

const edit: CommandModule<GlobalOptions, EditArgs> = {
  command: 'edit <email>',
  describe: 'Change an account: password, admin flag, display name',
  builder: (y) =>
    y
      .positional('email', { type: 'string', describe: 'The account to change' })
      .option('password', { type: 'string', describe: 'New destination password' })
      .option('password-file', { type: 'string', describe: 'File whose first line is the new password' })
      .option('clear-password', { type: 'boolean', describe: 'Remove the stored password' })
      .option('admin', { type: 'boolean', describe: 'Admin Accounts group: --admin to add, --no-admin to remove' })
      .option('name', { type: 'string', describe: 'New display name ("" removes it)' }) as Argv<EditArgs>,
  handler: async (argv) => {
    const email = parseEmail(argv.email, 'EMAIL');
    const password = resolvePassword({
      value: argv.password,
      valueOption: '--password',
      file: argv['password-file'],
      fileOption: '--password-file',
    });
    if (password !== undefined && argv['clear-password']) {
      throw new UsageError('give a new password or --clear-password, not both', [], { showHelp: true });
    }
    const patch: AccountPatch = {};
    if (password !== undefined) patch.password = password;
    if (argv['clear-password']) patch.password = null;
    if (argv.admin !== undefined) patch.admin = argv.admin;
    if (argv.name !== undefined) patch.displayName = parseDisplayName(argv.name) || null;
    if (Object.keys(patch).length === 0) {
      throw new UsageError(
        'nothing to change: give --password, --password-file, --clear-password, --admin, --no-admin or --name',
        [],
        {
          showHelp: true,
        },
      );
    }
    const changed = await withStore(argv, { write: true }, (store) => store.accounts.update(email, patch));
    emit(argv, `Changed ${describeAccount(changed)}`, accountJson(changed));
  },
};

interface EmailArgs extends GlobalOptions {
  email?: string;
}

const remove: CommandModule<GlobalOptions, EmailArgs> = {
  command: 'remove <email>',
  describe: 'Remove an account from the directory',
  builder: (y) => y.positional('email', { type: 'string', describe: 'The account to remove' }) as Argv<EmailArgs>,
  handler: async (argv) => {
    const email = String(argv.email ?? '')
      .trim()
      .toLowerCase();
    await withStore(argv, { write: true }, (store) => store.accounts.remove(email));
    emit(argv, `Removed ${email}`, { removed: email });
  },
};

const list: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'list',
  describe: 'List the accounts (never their passwords)',
  handler: async (argv) => {
    const accounts = await withStore(argv, { write: false }, (store) => store.accounts.list());
    const human =
      accounts.length === 0
        ? 'No accounts; add one with `imap-migrate accounts add EMAIL` or `imap-migrate accounts import FILE.csv`'
        : formatTable(
            ['Email', 'Admin', 'Name', 'Password set'],
            accounts.map((a) => [a.email, a.admin ? 'yes' : 'no', a.displayName ?? '', a.hasPassword ? 'yes' : 'no']),
          );
    emit(argv, human, accounts.map(accountJson));
  },
};

interface ImportArgs extends GlobalOptions {
  file?: string;
  update?: boolean;
}

const importCommand: CommandModule<GlobalOptions, ImportArgs> = {
  command: 'import <file>',
  describe: 'Import accounts from a CSV file with the header email,password,admin (all rows or none)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'CSV file (UTF-8; admin: yes/no/true/false/1/0/y/n or empty)' })
      .option('update', {
        type: 'boolean',
        describe: 'Change accounts already in the directory (admin flag; password when given)',
      }) as Argv<ImportArgs>,
  handler: async (argv) => {
    const file = String(argv.file ?? '');
    const text = readUserTextFile(file, 'CSV file');
    const result = await withStore(argv, { write: true }, (store) =>
      store.accounts.importCsv(text, { update: argv.update ?? false, source: file }),
    );
    const total = result.added + result.updated;
    emit(
      argv,
      `Imported ${total} account${total === 1 ? '' : 's'} from ${file} (${result.added} added, ${result.updated} updated)`,
      {
        file,
        ...result,
      },
    );
  },
};

interface ExportArgs extends GlobalOptions {
  file?: string;
  'with-passwords'?: boolean;
}

const exportCommand: CommandModule<GlobalOptions, ExportArgs> = {
  command: 'export [file]',
  describe:
    'Write the accounts as CSV email,password,admin (to stdout without FILE); passwords only with --with-passwords',
  builder: (y) =>
    y
      .positional('file', { type: 'string', describe: 'CSV file to write (created owner-only)' })
      .option('with-passwords', {
        type: 'boolean',
        describe: 'Include the passwords in plaintext (the file is created 0600)',
      }) as Argv<ExportArgs>,
  handler: async (argv) => {
    const withPasswords = argv['with-passwords'] ?? false;
    const rows = await withStore(argv, { write: false }, (store) => store.accounts.exportRows({ withPasswords }));
    const count = rows.length - 1;
    const where = argv.file === undefined || argv.file === '-' ? undefined : argv.file;
    if (withPasswords) {
      process.stderr.write(
        `imap-migrate: warning: ${where ?? 'the output'} holds plaintext passwords; keep it private and delete it when done\n`,
      );
    }
    if (where === undefined) {
      const json = rows
        .slice(1)
        .map(([email, password, admin]) => ({ email, ...(withPasswords ? { password } : {}), admin: admin === 'yes' }));
      emit(argv, formatCsv(rows).replace(/\n$/, ''), json);
      return;
    }
    writeUserTextFile(where, formatCsv(rows), { private: true });
    emit(
      argv,
      `Exported ${count} account${count === 1 ? '' : 's'} to ${where}${withPasswords ? ' (with passwords)' : ' (without passwords)'}`,
      {
        file: where,
        count,
        withPasswords,
      },
    );
  },
};

export const accountsCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'accounts',
  describe: 'The account directory: add, edit, remove, list, import, export',
  builder: (y) =>
    y
      .command(add)
      .command(edit)
      .command(remove)
      .command(list)
      .command(importCommand)
      .command(exportCommand)
      .demandCommand(1, 'give a subcommand: accounts add, edit, remove, list, import or export'),
  handler: () => undefined,
};
