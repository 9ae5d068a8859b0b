// `sync create` options → the settings of a sync (docs/spec.md W1–W7, section 8), validated, with
// the selected accounts resolved against the account directory.
import { defaultPort } from '../imap/endpoint.ts';
import { UsageError } from '../errors.ts';
import { ACCOUNT_GROUPS, type AccountGroup, type SelectedAccount, type SyncSettings } from '../engine/syncModel.ts';
import { DEFAULT_CONNECTIONS, SYNC_MODES, type SyncMode } from '../engine/types.ts';
import { emailProblem, normalizeEmail, type Account } from '../store/accounts.ts';
import { parseCsv } from '../store/csv.ts';
import { readUserTextFile } from '../store/dataDir.ts';
import { parseHost, parsePort, parseTls, parseUser, resolvePassword } from './validate.ts';
import { hasControlCharacter } from '../shared/text.ts';
import * as fields from '../shared/fields.ts';

function usage(message: string, details: string[] = []): UsageError {
  return new UsageError(message, details);
}

export interface SyncCreateArgs {
  host?: string;
  port?: string | number;
  tls?: string;
  'allow-invalid-cert'?: boolean;
  mode?: string;
  'dry-run'?: boolean;
  group?: string;
  accounts?: string;
  credentials?: string;
  'append-domain'?: string;
  'remove-domain'?: boolean;
  threads?: string | number;
  connections?: string | number;
  start?: string;
  'loop-until'?: string;
  'loop-interval'?: string;
  notify?: string;
  'delete-guard'?: string | number;
  'allow-mass-delete'?: boolean;
  'special-use-mapping'?: boolean;
  'source-admin-user'?: string;
  'source-admin-password'?: string;
  'source-admin-password-file'?: string;
  'confirm-sync-all'?: boolean;
}

export function parseMode(value: unknown): SyncMode {
  if (typeof value === 'string' && (SYNC_MODES as readonly string[]).includes(value)) return value as SyncMode;
  throw usage(
    `--mode must be one of ${SYNC_MODES.join(', ')} (all: mirror, flags-new: flags and new messages, new: new messages only)`,
  );
}

// The parsers live in source/shared/fields.ts (the wizard uses them with its field labels).
export const parseThreads = (value: unknown, option = '--threads'): number => fields.parseThreads(value, option);
export const parseConnections = (value: unknown, option = '--connections'): number =>
  fields.parseConnections(value, option);
export const parseInterval = (value: unknown): number => fields.parseInterval(value, '--loop-interval');
export const parseDate = (value: unknown, option: string): string => fields.parseDate(value, option);
export const parseNotify = (value: unknown): string[] => fields.parseNotify(value, '--notify');

function parseGroup(value: unknown): AccountGroup {
  const text = String(value ?? 'all');
  if (!(ACCOUNT_GROUPS as readonly string[]).includes(text))
    throw usage(`--group must be one of ${ACCOUNT_GROUPS.join(', ')}`);
  return text as AccountGroup;
}

interface RemoteLogin {
  remoteUser?: string;
  remotePassword?: string;
}

/** `email,remote_user,remote_password` rows, validated all at once like the accounts import. */
export function parseCredentialsCsv(text: string, file: string): Map<string, RemoteLogin> {
  const records = parseCsv(text);
  const header = records.shift();
  const expected = ['email', 'remote_user', 'remote_password'];
  if (!header || header.fields.map((field) => field.trim().toLowerCase()).join(',') !== expected.join(',')) {
    throw usage(`${file}: the first line must be the header ${expected.join(',')}`);
  }
  const problems: string[] = [];
  const result = new Map<string, RemoteLogin>();
  for (const record of records) {
    const [email = '', user = '', password = ''] = record.fields;
    let problem = record.error;
    if (!problem && record.fields.length !== 3) problem = `expected 3 columns, found ${record.fields.length}`;
    const normalized = normalizeEmail(email);
    problem ??= emailProblem(normalized);
    if (!problem && hasControlCharacter(user + password)) problem = 'control characters in the username or password';
    if (!problem && result.has(normalized)) problem = `${normalized} appears twice`;
    if (problem) {
      problems.push(`line ${record.line}: ${problem}`);
      continue;
    }
    result.set(normalized, { remoteUser: user.trim() || undefined, remotePassword: password || undefined });
  }
  if (problems.length > 0) throw usage(`${file}: ${problems.length} bad rows, no sync created`, problems);
  return result;
}

function applyDomain(user: string, args: SyncCreateArgs): string {
  if (args['remove-domain']) return user.includes('@') ? user.slice(0, user.lastIndexOf('@')) : user;
  const domain = args['append-domain']?.trim().replace(/^@/, '');
  if (domain) return user.includes('@') ? user : `${user}@${domain}`;
  return user;
}

/** The accounts of the chosen group (docs/spec.md W4), each with its remote login (W6). */
export function selectAccounts(args: SyncCreateArgs, group: AccountGroup, directory: Account[]): SelectedAccount[] {
  if (args['append-domain'] !== undefined && args['remove-domain'])
    throw usage('give --append-domain or --remove-domain, not both');
  if (
    args['append-domain'] !== undefined &&
    !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(args['append-domain'].trim().replace(/^@/, ''))
  ) {
    throw usage(`--append-domain must be a domain such as example.com, not ${JSON.stringify(args['append-domain'])}`);
  }
  let chosen: Account[];
  if (group === 'specific') {
    if (!args.accounts) throw usage('--group specific needs --accounts a@example.com,b@example.com');
    const wanted = args.accounts
      .split(',')
      .map((email) => normalizeEmail(email))
      .filter(Boolean);
    const byEmail = new Map(directory.map((account) => [account.email, account]));
    const unknown = wanted.filter((email) => !byEmail.has(email));
    if (unknown.length > 0)
      throw usage(`not in the account directory: ${unknown.join(', ')}; add them with \`accounts add\``);
    chosen = [...new Set(wanted)].map((email) => byEmail.get(email)!);
  } else {
    if (args.accounts) throw usage('--accounts goes with --group specific');
    chosen = directory.filter((account) => group === 'all' || account.admin);
  }
  if (chosen.length === 0)
    throw usage(`no accounts in the group "${group}"; add accounts with \`accounts add\` or \`accounts import\``);
  const logins = args.credentials
    ? parseCredentialsCsv(readUserTextFile(args.credentials, 'credentials file'), args.credentials)
    : new Map();
  const chosenEmails = new Set(chosen.map((account) => account.email));
  const strays = [...logins.keys()].filter((email) => !chosenEmails.has(email));
  if (strays.length > 0) throw usage(`${args.credentials}: accounts not selected by this sync: ${strays.join(', ')}`);
  return chosen.map((account) => {
    const login = logins.get(account.email);
    return {
      email: account.email,
      remoteUser: applyDomain(login?.remoteUser ?? account.email, args),
      remotePassword: login?.remotePassword,
    };
  });
}

export function parseSyncSettings(args: SyncCreateArgs, directory: Account[]): SyncSettings {
  const host = parseHost(args.host);
  const tls = parseTls(args.tls ?? 'starttls');
  const port = args.port === undefined ? defaultPort(tls) : parsePort(args.port);
  const mode = parseMode(args.mode);
  const dryRun = args['dry-run'] ?? true;
  if (mode === 'all' && !dryRun && !args['confirm-sync-all']) {
    throw usage(
      'CAUTION: Sync All without dry run makes each destination account exactly like the source and deletes what the source lacks; ' +
        'add --confirm-sync-all to proceed',
    );
  }
  const group = parseGroup(args.group);
  const start =
    args.start === undefined || args.start === 'now' || args.start === 'manual'
      ? (args.start ?? 'now')
      : parseDate(args.start, '--start');
  const loopUntil = args['loop-until'] === undefined ? undefined : parseDate(args['loop-until'], '--loop-until');
  if (loopUntil && Date.parse(loopUntil) <= Date.now()) throw usage('--loop-until must be in the future');
  if (args['loop-interval'] !== undefined && !loopUntil) throw usage('--loop-interval goes with --loop-until');
  const guard = args['delete-guard'] === undefined ? 10 : Number(args['delete-guard']);
  if (!Number.isFinite(guard) || guard < 0 || guard > 100)
    throw usage('--delete-guard must be a percentage from 0 to 100');
  const adminPassword = resolvePassword({
    value: args['source-admin-password'],
    valueOption: '--source-admin-password',
    file: args['source-admin-password-file'],
    fileOption: '--source-admin-password-file',
    envName: args['source-admin-user'] ? 'IMAP_MIGRATE_SOURCE_ADMIN_PASSWORD' : undefined,
  });
  if (Boolean(args['source-admin-user']) !== Boolean(adminPassword)) {
    throw usage('--source-admin-user and --source-admin-password (or --source-admin-password-file) go together');
  }
  return {
    source: { host, port, tls, allowInvalidCert: Boolean(args['allow-invalid-cert']) },
    sourceAdmin: args['source-admin-user']
      ? { user: parseUser(args['source-admin-user'], '--source-admin-user'), password: adminPassword! }
      : undefined,
    mode,
    dryRun,
    group,
    accounts: selectAccounts(args, group, directory),
    threads: args.threads === undefined ? 1 : parseThreads(args.threads),
    connections: args.connections === undefined ? DEFAULT_CONNECTIONS : parseConnections(args.connections),
    start,
    loopUntil,
    loopIntervalMs: args['loop-interval'] === undefined ? 3_600_000 : parseInterval(args['loop-interval']),
    notify: parseNotify(args.notify),
    deleteGuardPercent: guard,
    allowMassDelete: Boolean(args['allow-mass-delete']),
    mapSpecialUse: args['special-use-mapping'] ?? true,
  };
}
