// `smtp set | show` (docs/spec.md C3): the mail server that sends notifications.
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.ts';
import type { TlsMode } from '../../imap/endpoint.ts';
import type { SmtpSettings } from '../../store/settings.ts';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';
import { emit } from '../output.ts';
import { promptForMissingPassword } from '../prompt.ts';
import { parseEmail, parseHost, parsePort, parseTls, parseUser, resolvePassword } from '../validate.ts';

export const SMTP_PASSWORD_ENV = 'IMAP_MIGRATE_SMTP_PASSWORD';

export function defaultSmtpPort(tls: TlsMode): number {
  return tls === 'tls' ? 465 : tls === 'starttls' ? 587 : 25;
}

interface SetArgs extends GlobalOptions {
  host?: string;
  port?: string;
  tls?: string;
  'allow-invalid-cert'?: boolean;
  user?: string;
  password?: string;
  'password-file'?: string;
  from?: string;
}

export function smtpFromArgs(argv: SetArgs, env: NodeJS.ProcessEnv = process.env): SmtpSettings {
  const host = parseHost(argv.host);
  const tls = argv.tls === undefined ? 'starttls' : parseTls(argv.tls);
  const port = argv.port === undefined ? defaultSmtpPort(tls) : parsePort(argv.port);
  const from = parseEmail(argv.from, '--from');
  if ((argv.password !== undefined || argv['password-file'] !== undefined) && argv.user === undefined) {
    throw new UsageError('--password needs --user (the SMTP login it belongs to)', [], { showHelp: true });
  }
  const smtp: SmtpSettings = { host, port, tls, allowInvalidCert: argv['allow-invalid-cert'] ?? false, from };
  if (argv.user !== undefined) {
    smtp.user = parseUser(argv.user, '--user');
    const password = resolvePassword({
      value: argv.password,
      valueOption: '--password',
      file: argv['password-file'],
      fileOption: '--password-file',
      envName: SMTP_PASSWORD_ENV,
      env,
    });
    if (password === undefined) {
      throw new UsageError(`--user needs a password: --password, --password-file or $${SMTP_PASSWORD_ENV}`, [], {
        showHelp: true,
      });
    }
    smtp.password = password;
  }
  return smtp;
}

export function smtpJson(s: SmtpSettings): Record<string, unknown> {
  return {
    configured: true,
    host: s.host,
    port: s.port,
    tls: s.tls,
    allowInvalidCert: s.allowInvalidCert,
    from: s.from,
    ...(s.user ? { user: s.user, password: '********', hasPassword: s.password !== undefined } : {}),
  };
}

function smtpLines(s: SmtpSettings): string[] {
  return [
    `Host:                 ${s.host}`,
    `Port:                 ${s.port}`,
    `TLS:                  ${s.tls}`,
    `Allow invalid cert:   ${s.allowInvalidCert ? 'yes' : 'no'}`,
    `Login:                ${s.user ? `${s.user} (password ********)` : 'none'}`,
    `From:                 ${s.from}`,
  ];
}

const set: CommandModule<GlobalOptions, SetArgs> = {
  command: 'set',
  describe: 'Set the SMTP server for notifications (replaces the previous setting entirely)',
  builder: (y) =>
    y
      .option('host', { type: 'string', describe: 'Host name or IP address', demandOption: true })
      .option('port', { type: 'string', describe: 'Port (default 587 with starttls, 465 with tls, 25 with none)' })
      .option('tls', { type: 'string', default: 'starttls', describe: 'TLS mode: none, starttls or tls (implicit)' })
      .option('allow-invalid-cert', {
        type: 'boolean',
        describe: 'Accept a certificate that does not verify (self-signed)',
      })
      .option('user', { type: 'string', describe: 'SMTP login' })
      .option('password', { type: 'string', describe: `Its password (or --password-file, or $${SMTP_PASSWORD_ENV})` })
      .option('password-file', { type: 'string', describe: 'File whose first line is the SMTP password' })
      .option('from', {
        type: 'string',
        describe: 'Sender address of the notifications',
        demandOption: true,
      }) as Argv<SetArgs>,
  handler: async (argv) => {
    await promptForMissingPassword(argv as Record<string, unknown>, {
      userOption: 'user',
      valueOption: 'password',
      fileOption: 'password-file',
      envName: SMTP_PASSWORD_ENV,
      label: `Password of the SMTP login ${argv.user}`,
    });
    const smtp = smtpFromArgs(argv);
    await withStore(argv, { write: true }, (store) => store.settings.setSmtp(smtp));
    emit(argv, [`SMTP server set: ${smtp.host}:${smtp.port}`, ...smtpLines(smtp)], smtpJson(smtp));
  },
};

const show: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'show',
  describe: 'Show the SMTP settings (password masked)',
  handler: async (argv) => {
    const smtp = await withStore(argv, { write: false }, (store) => store.settings.getSmtp('mask'));
    if (!smtp) {
      emit(argv, 'No SMTP server set; run `imap-migrate smtp set --host ... --from ...`', { configured: false });
      return;
    }
    emit(argv, ['SMTP server', ...smtpLines(smtp).map((line) => `  ${line}`)], smtpJson(smtp));
  },
};

export const smtpCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'smtp',
  describe: 'The SMTP server that sends notifications: set, show',
  builder: (y) => y.command(set).command(show).demandCommand(1, 'give a subcommand: smtp set or show'),
  handler: () => undefined,
};
