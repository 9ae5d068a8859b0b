// `destination set | show | test` (docs/spec.md C1): the new IMAP server where the accounts live.
import { defaultPort } from '../../imap/endpoint.ts';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.ts';
import type { LoginCredentials, ServerEndpoint } from '../../imap/endpoint.ts';
import type { DestinationSettings } from '../../store/settings.ts';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';
import { emit } from '../output.ts';
import { promptForMissingPassword } from '../prompt.ts';
import { parseEmail, parseHost, parsePort, parseTls, parseUser, resolvePassword } from '../validate.ts';

export const ADMIN_PASSWORD_ENV = 'IMAP_MIGRATE_ADMIN_PASSWORD';

const NOT_SET = 'no destination server set; run `imap-migrate destination set --host ...`';

interface SetArgs extends GlobalOptions {
  host?: string;
  port?: string;
  tls?: string;
  'allow-invalid-cert'?: boolean;
  'admin-user'?: string;
  'admin-password'?: string;
  'admin-password-file'?: string;
}

/** Checks every option before anything is opened; the result is what will be stored. */
export function destinationFromArgs(argv: SetArgs, env: NodeJS.ProcessEnv = process.env): DestinationSettings {
  const host = parseHost(argv.host);
  const tls = argv.tls === undefined ? 'starttls' : parseTls(argv.tls);
  const port = argv.port === undefined ? defaultPort(tls) : parsePort(argv.port);
  const passwordGiven = argv['admin-password'] !== undefined || argv['admin-password-file'] !== undefined;
  if (passwordGiven && argv['admin-user'] === undefined) {
    throw new UsageError('--admin-password needs --admin-user (the admin login it belongs to)', [], { showHelp: true });
  }
  const destination: DestinationSettings = { host, port, tls, allowInvalidCert: argv['allow-invalid-cert'] ?? false };
  if (argv['admin-user'] !== undefined) {
    const adminUser = parseUser(argv['admin-user'], '--admin-user');
    const adminPassword = resolvePassword({
      value: argv['admin-password'],
      valueOption: '--admin-password',
      file: argv['admin-password-file'],
      fileOption: '--admin-password-file',
      envName: ADMIN_PASSWORD_ENV,
      env,
    });
    if (adminPassword === undefined) {
      throw new UsageError(
        `--admin-user needs a password: --admin-password, --admin-password-file or $${ADMIN_PASSWORD_ENV}`,
        [],
        { showHelp: true },
      );
    }
    destination.adminUser = adminUser;
    destination.adminPassword = adminPassword;
  }
  return destination;
}

/** What `show` prints in JSON: never a password, only whether one is set. */
export function destinationJson(d: DestinationSettings): Record<string, unknown> {
  return {
    configured: true,
    host: d.host,
    port: d.port,
    tls: d.tls,
    allowInvalidCert: d.allowInvalidCert,
    auth: d.adminUser ? 'admin' : 'per-account',
    ...(d.adminUser
      ? { adminUser: d.adminUser, adminPassword: '********', hasAdminPassword: d.adminPassword !== undefined }
      : {}),
  };
}

function destinationLines(d: DestinationSettings): string[] {
  return [
    `Host:                 ${d.host}`,
    `Port:                 ${d.port}`,
    `TLS:                  ${d.tls}`,
    `Allow invalid cert:   ${d.allowInvalidCert ? 'yes' : 'no'}`,
    `Login:                ${d.adminUser ? `admin login ${d.adminUser} (password ********) for every account` : 'each account with its own password'}`,
  ];
}

const set: CommandModule<GlobalOptions, SetArgs> = {
  command: 'set',
  describe: 'Set the destination server (replaces the previous setting entirely)',
  builder: (y) =>
    y
      .option('host', { type: 'string', describe: 'Host name or IP address', demandOption: true })
      .option('port', { type: 'string', describe: 'Port (default 143, or 993 with --tls tls)' })
      .option('tls', { type: 'string', default: 'starttls', describe: 'TLS mode: none, starttls or tls (implicit)' })
      .option('allow-invalid-cert', {
        type: 'boolean',
        describe: 'Accept a certificate that does not verify (self-signed)',
      })
      .option('admin-user', { type: 'string', describe: 'Admin/master login used to log in as every account' })
      .option('admin-password', {
        type: 'string',
        describe: `Its password (or --admin-password-file, or $${ADMIN_PASSWORD_ENV})`,
      })
      .option('admin-password-file', {
        type: 'string',
        describe: 'File whose first line is the admin password',
      }) as Argv<SetArgs>,
  handler: async (argv) => {
    await promptForMissingPassword(argv as Record<string, unknown>, {
      userOption: 'admin-user',
      valueOption: 'admin-password',
      fileOption: 'admin-password-file',
      envName: ADMIN_PASSWORD_ENV,
      label: `Password of the destination admin ${argv['admin-user']}`,
    });
    const destination = destinationFromArgs(argv);
    await withStore(argv, { write: true }, (store) => store.settings.setDestination(destination));
    emit(
      argv,
      [`Destination server set: ${destination.host}:${destination.port}`, ...destinationLines(destination)],
      destinationJson(destination),
    );
  },
};

const show: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'show',
  describe: 'Show the destination server (passwords masked)',
  handler: async (argv) => {
    const destination = await withStore(argv, { write: false }, (store) => store.settings.getDestination('mask'));
    if (!destination) {
      emit(argv, `No destination server set; run \`imap-migrate destination set --host ...\``, { configured: false });
      return;
    }
    emit(
      argv,
      ['Destination server', ...destinationLines(destination).map((line) => `  ${line}`)],
      destinationJson(destination),
    );
  },
};

interface TestArgs extends GlobalOptions {
  account?: string;
}

/** Who `destination test` logs in as, and how. */
export async function testCredentials(
  destination: DestinationSettings,
  account: string | undefined,
  lookup: (email: string) => Promise<{ password?: string } | undefined>,
): Promise<{ credentials: LoginCredentials; who: string }> {
  if (destination.adminUser && destination.adminPassword !== undefined) {
    if (account) {
      return {
        credentials: { user: destination.adminUser, password: destination.adminPassword, authzid: account },
        who: `${account} (through admin login ${destination.adminUser})`,
      };
    }
    return {
      credentials: { user: destination.adminUser, password: destination.adminPassword },
      who: destination.adminUser,
    };
  }
  if (!account) {
    throw new UsageError(
      "no admin login is set for the destination; give --account EMAIL to test that account's own password",
      [],
      {
        showHelp: true,
      },
    );
  }
  const entry = await lookup(account);
  if (!entry) throw new UsageError(`no account ${account} in the directory; see \`imap-migrate accounts list\``);
  if (entry.password === undefined) {
    throw new UsageError(
      `${account} has no password in the directory and no admin login is set; run \`imap-migrate accounts edit ${account} --password ...\``,
    );
  }
  return { credentials: { user: account, password: entry.password }, who: account };
}

const test: CommandModule<GlobalOptions, TestArgs> = {
  command: 'test',
  describe: 'Log in to the destination server (admin login, or --account with its own password)',
  builder: (y) =>
    y.option('account', {
      type: 'string',
      describe: 'Log in as this account (through the admin login when one is set)',
    }) as Argv<TestArgs>,
  handler: async (argv) => {
    const account = argv.account === undefined ? undefined : parseEmail(argv.account, '--account');
    const { endpoint, credentials, who } = await withStore(argv, { write: false }, async (store) => {
      const destination = store.settings.getDestination();
      if (!destination) throw new UsageError(NOT_SET);
      const chosen = await testCredentials(destination, account, (email) => store.accounts.get(email));
      const { host, port, tls, allowInvalidCert } = destination;
      return { endpoint: { host, port, tls, allowInvalidCert } satisfies ServerEndpoint, ...chosen };
    });
    // Loaded here: imapflow is only needed by this command.
    const { testLogin } = await import('../../imap/connection.ts');
    const result = await testLogin(endpoint, credentials);
    const where = `${endpoint.host}:${endpoint.port}`;
    if (result.ok) {
      emit(argv, `OK: logged in to ${where} as ${who}`, {
        ok: true,
        host: endpoint.host,
        port: endpoint.port,
        tls: endpoint.tls,
        as: who,
      });
    } else {
      emit(argv, `FAILED: ${result.reason}`, {
        ok: false,
        host: endpoint.host,
        port: endpoint.port,
        tls: endpoint.tls,
        as: who,
        code: result.code,
        reason: result.reason,
      });
      process.exitCode = 1;
    }
  },
};

export const destinationCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'destination',
  describe: 'The destination server (the new IMAP server): set, show, test',
  builder: (y) =>
    y.command(set).command(show).command(test).demandCommand(1, 'give a subcommand: destination set, show or test'),
  handler: () => undefined,
};
