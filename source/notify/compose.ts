// The notification emails of docs/spec.md N1, built from plain data: run start, run end (with the
// per-account table of D6), account failure and sync stop. Pure: no I/O, no clock.
//
// Only named fields of the event are read (never a whole object spread into the text); as a
// last line of defence the finished subject and body go through the redaction of redact.ts.
import type { Counters } from '../engine/types.ts';
import { duration, formatTime, formatTimeZoned, htmlOf, oneLine, plural, statusLabel } from './mailText.ts';
import { redactorFor } from './redact.ts';

/** What every notification says about its sync. No credentials belong here. */
export interface NotifySync {
  id: string;
  /** The seed's mode name, e.g. `SyncNew` (MODE_LABELS). */
  modeLabel: string;
  /** The source IMAP server. */
  sourceHost: string;
  dryRun: boolean;
  /** Addresses to notify (already validated, docs/spec.md W7). */
  recipients: string[];
}

export interface NotifyError {
  code: string;
  detail: string;
  /** ISO-8601. */
  at?: string;
}

/** One account of a run, as in the D6 table. */
export interface NotifyAccountRow {
  account: string;
  /** AccountStatus: pending, running, complete, failed, paused, stopped. */
  status: string;
  counters: Counters;
  /** ISO-8601. */
  completedAt?: string;
  errors: NotifyError[];
}

export interface NotifyRun {
  /** ISO-8601. */
  startedAt: string;
  /** ISO-8601. */
  completedAt?: string;
  /** SyncStatus of the run when it ended (run-end), e.g. `Complete with errors`. */
  status?: string;
}

export type NotificationEvent =
  | { kind: 'run-start'; sync: NotifySync; run: NotifyRun; accountCount: number; threads?: number }
  | { kind: 'run-end'; sync: NotifySync; run: NotifyRun; accounts: NotifyAccountRow[] }
  | { kind: 'account-failed'; sync: NotifySync; run: NotifyRun; account: NotifyAccountRow }
  | {
      kind: 'sync-stopped';
      sync: NotifySync;
      run: NotifyRun;
      /** ISO-8601. */
      stoppedAt: string;
      /** The OS user who stopped it; undefined when the system did. */
      stoppedBy?: string;
      /** Every account of the run as it stands (progress so far). */
      accounts: NotifyAccountRow[];
    };

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

export const ACCOUNT_COLUMNS = [
  'User',
  'Status',
  'Msgs',
  'Msgs DL',
  'Deleted',
  'Duplicates -',
  'Folders +',
  'Folders -',
  'Flags',
  'Errors',
  'Complete Time',
] as const;

/** Error lines shown per account, and accounts listed with their errors, in one mail. */
const MAX_ERRORS_PER_ACCOUNT = 10;
const MAX_ACCOUNTS_WITH_ERRORS = 50;

const DRY_RUN_NOTE = 'DRY RUN: nothing was changed on the destination. The counts are what a real run would do.';

export function composeNotification(event: NotificationEvent): ComposedMail {
  const mail = composeRaw(event);
  const scrub = redactorFor(event);
  return { subject: scrub(mail.subject), text: scrub(mail.text), html: htmlOf(scrub(mail.text)) };
}

function composeRaw(event: NotificationEvent): { subject: string; text: string } {
  switch (event.kind) {
    case 'run-start':
      return runStart(event);
    case 'run-end':
      return runEnd(event);
    case 'account-failed':
      return accountFailed(event);
    case 'sync-stopped':
      return syncStopped(event);
    default: {
      const unknown: never = event;
      throw new Error(`unknown notification kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}`);
    }
  }
}

// ---- the four kinds ----

function runStart(event: Extract<NotificationEvent, { kind: 'run-start' }>) {
  const { sync, run } = event;
  const lines = [
    ...preamble(sync),
    `A run of sync ${oneLine(sync.id)} started.`,
    '',
    ...summary(sync, [
      ['Run started', formatTimeZoned(run.startedAt)],
      ['Accounts', String(event.accountCount)],
      ...(event.threads !== undefined ? [['Threads', String(event.threads)] as [string, string]] : []),
    ]),
    '',
    'You will get another mail when the run ends, and one for each account that fails.',
    ...footer(sync),
  ];
  return { subject: subject(sync, `run started (${plural(event.accountCount, 'account')})`), text: lines.join('\n') };
}

function runEnd(event: Extract<NotificationEvent, { kind: 'run-end' }>) {
  const { sync, run, accounts } = event;
  const tally = tallyOf(accounts);
  const status = run.status ?? (tally.failed > 0 || tally.errors > 0 ? 'Complete with errors' : 'Complete');
  const lines = [
    ...preamble(sync),
    `A run of sync ${oneLine(sync.id)} ended: ${oneLine(status)}.`,
    '',
    ...summary(sync, [
      ['Status', oneLine(status)],
      ['Run started', formatTimeZoned(run.startedAt)],
      ['Run ended', formatTimeZoned(run.completedAt)],
      ['Running time', duration(run.startedAt, run.completedAt)],
      ['Accounts', progressLine(tally)],
    ]),
    '',
    ...accountTable(accounts),
    ...errorSection(accounts),
    ...footer(sync),
  ];
  return { subject: subject(sync, runEndSummary(status, tally)), text: lines.join('\n') };
}

function accountFailed(event: Extract<NotificationEvent, { kind: 'account-failed' }>) {
  const { sync, run, account } = event;
  const codes = distinctCodes(account.errors);
  const lines = [
    ...preamble(sync),
    `Account ${oneLine(account.account)} failed in sync ${oneLine(sync.id)}; the other accounts go on.`,
    '',
    ...summary(sync, [
      ['Account', oneLine(account.account)],
      ['Status', statusLabel(account.status)],
      ['Run started', formatTimeZoned(run.startedAt)],
      ['Failed at', formatTimeZoned(account.completedAt ?? account.errors.at(-1)?.at)],
      ['Error codes', codes.length > 0 ? codes.join(', ') : '-'],
    ]),
    '',
    ...accountTable([account]),
    ...errorSection([account]),
    ...footer(sync),
  ];
  const codeText = codes.length > 0 ? ` (${codes.join(', ')})` : '';
  return { subject: subject(sync, `account ${oneLine(account.account)} failed${codeText}`), text: lines.join('\n') };
}

function syncStopped(event: Extract<NotificationEvent, { kind: 'sync-stopped' }>) {
  const { sync, run, accounts } = event;
  const tally = tallyOf(accounts);
  const who = event.stoppedBy ? `by ${oneLine(event.stoppedBy)}` : 'by the system';
  const lines = [
    ...preamble(sync),
    `Sync ${oneLine(sync.id)} was stopped ${who} at ${formatTimeZoned(event.stoppedAt)}.`,
    'Accounts in progress were stopped; a Restart continues where this run left off.',
    '',
    ...summary(sync, [
      ['Stopped', `${formatTimeZoned(event.stoppedAt)} ${who}`],
      ['Run started', formatTimeZoned(run.startedAt)],
      ['Running time', duration(run.startedAt, event.stoppedAt)],
      ['Accounts', progressLine(tally)],
    ]),
    '',
    'Progress so far:',
    ...accountTable(accounts),
    ...errorSection(accounts),
    ...footer(sync),
  ];
  return {
    subject: subject(sync, `stopped ${who} (${tally.complete} of ${plural(tally.total, 'account')} complete)`),
    text: lines.join('\n'),
  };
}

// ---- shared parts ----

function subject(sync: NotifySync, what: string): string {
  const dry = sync.dryRun ? ' [DRY RUN]' : '';
  return oneLine(`[imap-migrate]${dry} Sync ${sync.id} (${sync.modeLabel} from ${sync.sourceHost}): ${what}`);
}

function preamble(sync: NotifySync): string[] {
  return sync.dryRun ? [DRY_RUN_NOTE, ''] : [];
}

function summary(sync: NotifySync, extra: [string, string][]): string[] {
  const rows: [string, string][] = [
    ['Sync', oneLine(sync.id)],
    ['Mode', oneLine(sync.modeLabel)],
    ['Source server', oneLine(sync.sourceHost)],
    ['Dry run', sync.dryRun ? 'Yes (nothing is changed on the destination)' : 'No'],
    ...extra,
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`);
}

function footer(sync: NotifySync): string[] {
  return ['', '--', `imap-migrate. Details: imap-migrate sync show ${oneLine(sync.id)}`];
}

interface Tally {
  total: number;
  complete: number;
  failed: number;
  pending: number;
  /** Accounts with at least one error (failed or not). */
  withErrors: number;
  errors: number;
}

function tallyOf(accounts: NotifyAccountRow[]): Tally {
  const tally: Tally = { total: accounts.length, complete: 0, failed: 0, pending: 0, withErrors: 0, errors: 0 };
  for (const row of accounts) {
    if (row.status === 'complete') tally.complete++;
    else if (row.status === 'failed') tally.failed++;
    else tally.pending++;
    const errors = errorCount(row);
    if (errors > 0 || row.status === 'failed') tally.withErrors++;
    tally.errors += errors;
  }
  return tally;
}

function errorCount(row: NotifyAccountRow): number {
  return Math.max(row.counters.errors, row.errors.length);
}

function progressLine(tally: Tally): string {
  const parts = [`${tally.complete} complete`, `${tally.failed} failed`];
  if (tally.pending > 0) parts.push(`${tally.pending} not finished`);
  return `${parts.join(', ')}, ${tally.total} in all`;
}

function runEndSummary(status: string, tally: Tally): string {
  const of = `of ${plural(tally.total, 'account')}`;
  if (status === 'Complete') return `run complete (${plural(tally.total, 'account')})`;
  if (status === 'Complete with errors') {
    if (tally.failed > 0) return `run complete with errors (${tally.failed} ${of} failed)`;
    return `run complete with errors (${plural(tally.errors, 'error')} in ${tally.withErrors} ${of})`;
  }
  return `run ended: ${oneLine(status)} (${tally.complete} ${of} complete, ${tally.failed} failed)`;
}

// ---- the table ----

const NUMERIC: readonly boolean[] = ACCOUNT_COLUMNS.map((name) => !['User', 'Status', 'Complete Time'].includes(name));

function counterCells(c: Counters, errors: number): number[] {
  return [
    c.messages,
    c.downloaded,
    c.messagesDeleted,
    c.duplicatesDeleted,
    c.foldersCreated,
    c.foldersDeleted,
    c.flagsChanged,
    errors,
  ];
}

/**
 * The per-account table, monospace-aligned: text left, numbers right, a rule under the
 * header and a Total row. Times are local, as in the summary lines above it.
 */
export function accountTable(accounts: NotifyAccountRow[]): string[] {
  const rows = accounts.map((row) => [
    oneLine(row.account),
    statusLabel(row.status),
    ...counterCells(row.counters, errorCount(row)).map(String),
    formatTime(row.completedAt),
  ]);
  const totals = accounts.reduce(
    (sum, row) => counterCells(row.counters, errorCount(row)).map((value, i) => sum[i] + value),
    [0, 0, 0, 0, 0, 0, 0, 0],
  );
  const totalRow = [`Total (${plural(accounts.length, 'account')})`, '', ...totals.map(String), ''];
  const header = [...ACCOUNT_COLUMNS];
  const all = [header, ...rows, totalRow];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const render = (row: string[]) =>
    row
      .map((cell, column) => (NUMERIC[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [render(header), rule, ...rows.map(render), rule, render(totalRow)];
}

function errorSection(accounts: NotifyAccountRow[]): string[] {
  // Failed accounts first, then accounts that completed with errors, in table order.
  const withErrors = [
    ...accounts.filter((row) => row.status === 'failed'),
    ...accounts.filter((row) => row.status !== 'failed' && row.errors.length > 0),
  ];
  if (withErrors.length === 0) return [];
  const lines = ['', 'Errors:'];
  for (const row of withErrors.slice(0, MAX_ACCOUNTS_WITH_ERRORS)) {
    lines.push('', `${oneLine(row.account)} (${statusLabel(row.status)}):`);
    if (row.errors.length === 0) lines.push('  (no error recorded)');
    for (const error of row.errors.slice(0, MAX_ERRORS_PER_ACCOUNT)) {
      const at = error.at ? `${formatTime(error.at)}  ` : '';
      lines.push(`  ${at}${oneLine(error.code)}: ${oneLine(error.detail)}`);
    }
    if (row.errors.length > MAX_ERRORS_PER_ACCOUNT) {
      lines.push(`  ... and ${row.errors.length - MAX_ERRORS_PER_ACCOUNT} more (imap-migrate sync show)`);
    }
  }
  if (withErrors.length > MAX_ACCOUNTS_WITH_ERRORS) {
    lines.push(
      '',
      `... and ${withErrors.length - MAX_ACCOUNTS_WITH_ERRORS} more accounts with errors (imap-migrate sync show)`,
    );
  }
  return lines;
}

function distinctCodes(errors: NotifyError[]): string[] {
  return [...new Set(errors.map((error) => oneLine(error.code)))];
}
