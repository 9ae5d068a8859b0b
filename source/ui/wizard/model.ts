// The wizard's state (docs/spec.md W1–W8) and the pure rules over it: defaults (or a sync to
// recreate), validation of each step, the account rows of step 2 and the settings created.
import {
  DEFAULT_CONNECTIONS,
  defaultPort,
  parseConnections,
  parseDate,
  parseHost,
  parseInterval,
  parseNotify,
  parsePort,
  parseThreads,
} from '../../shared/fields.ts';
import type { AccountGroup, SelectedAccount, SyncSettings } from '../../engine/syncModel.ts';
import type { SyncMode } from '../../engine/types.ts';
import type { TlsMode } from '../../imap/endpoint.ts';
import type { DirectoryEntry } from '../backend.ts';
import type { TypedConfirm } from './form/dialogs.tsx';
import { check, str, type FormErrors, type FormState, type FormValues } from './form/form.ts';
import type { TextDraft } from './form/textEdit.ts';

export type TestState = { state: 'testing' } | { state: 'ok' } | { state: 'failed'; reason: string };

export interface AccountRow {
  email: string;
  admin: boolean;
  /** False for an account of a recreated sync that is no longer in the directory. */
  inDirectory: boolean;
  checked: boolean;
  remoteUser: string;
  /** Blank: the destination password. */
  remotePassword: string;
  test?: TestState;
}

export type WizardDialog = { kind: 'discard' } | { kind: 'syncAll'; confirm: TypedConfirm };

export interface WizardState {
  step: 1 | 2 | 3;
  s1: FormValues;
  s3: FormValues;
  /** The user typed a port: it no longer follows the TLS choice. */
  portTouched: boolean;
  form: FormState;
  errors: FormErrors;
  rows?: AccountRow[];
  rowsGroup?: AccountGroup;
  loading: boolean;
  /** Step 2: the selected row. */
  cursor: number;
  rowEdit?: { email: string; field: 'remoteUser' | 'remotePassword'; draft: TextDraft };
  domainPrompt?: TextDraft;
  dialog?: WizardDialog;
  busy?: string;
  message?: { text: string; tone: 'error' | 'ok' | 'info' };
  /** Something was entered or changed: Esc at step 1 asks before discarding it. */
  dirty: boolean;
  initial?: SyncSettings;
}

export type WizardEffect =
  | { type: 'loadAccounts' }
  | { type: 'testAuth'; emails: string[] }
  | { type: 'confirmFailedLogins'; failed: number; checked: number }
  | { type: 'create' }
  | { type: 'cancel' };

export interface StepResult {
  state: WizardState;
  effect?: WizardEffect;
}

/** A local date and time as typed and shown: 2026-12-01 22:00. */
export function formatLocal(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function formatInterval(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

export function initialState(initial?: SyncSettings): WizardState {
  const tls: TlsMode = initial?.source.tls ?? 'starttls';
  const start = initial?.start ?? 'now';
  const s1: FormValues = {
    host: initial?.source.host ?? '',
    port: String(initial?.source.port ?? defaultPort(tls)),
    tls,
    allowInvalidCert: initial?.source.allowInvalidCert ?? false,
    mode: initial?.mode ?? 'new',
    dryRun: initial?.dryRun ?? true,
    group: initial?.group ?? 'all',
    threads: String(initial?.threads ?? 1),
    connections: String(initial?.connections ?? DEFAULT_CONNECTIONS),
  };
  const s3: FormValues = {
    start: start === 'now' || start === 'manual' ? start : 'at',
    startAt: start === 'now' || start === 'manual' ? '' : formatLocal(start),
    repeat: initial?.loopUntil ? 'until' : 'once',
    loopUntil: initial?.loopUntil ? formatLocal(initial.loopUntil) : '',
    interval: formatInterval(initial?.loopIntervalMs ?? 3_600_000),
    notify: (initial?.notify ?? []).join(';'),
  };
  return {
    step: 1,
    s1,
    s3,
    portTouched: initial ? initial.source.port !== defaultPort(tls) : false,
    form: { focus: 'host' },
    errors: {},
    loading: false,
    cursor: 0,
    dirty: false,
    initial,
  };
}

/** A real date and time (no 30 February) in the future, as ISO-8601. */
export function parseFutureDate(text: string, label: string, now = Date.now()): string {
  const iso = parseDate(text, label);
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(text.trim());
  if (match && !/(Z|[+-]\d{2}:?\d{2})$/.test(text.trim())) {
    const date = new Date(iso);
    const [, y, mo, d, h = '00', mi = '00'] = match;
    const same =
      date.getFullYear() === Number(y) &&
      date.getMonth() + 1 === Number(mo) &&
      date.getDate() === Number(d) &&
      date.getHours() === Number(h) &&
      date.getMinutes() === Number(mi);
    if (!same) throw new Error(`${label}: ${text.trim()} is not a real date and time`);
  }
  if (Date.parse(iso) <= now)
    throw new Error(`${label} must be in the future (now is ${formatLocal(new Date(now).toISOString())})`);
  return iso;
}

export const CONNECTIONS_LABEL = 'Connections per user';

export function validateStep1(values: FormValues): FormErrors {
  const errors: FormErrors = {};
  check(errors, 'host', () => parseHost(str(values, 'host'), 'IMAP server'));
  check(errors, 'port', () => parsePort(str(values, 'port'), 'Port'));
  check(errors, 'threads', () => parseThreads(str(values, 'threads'), 'Threads'));
  check(errors, 'connections', () => parseConnections(str(values, 'connections'), CONNECTIONS_LABEL));
  return errors;
}

export function validateStep3(values: FormValues, now = Date.now()): FormErrors {
  const errors: FormErrors = {};
  const startAt =
    values.start === 'at'
      ? check(errors, 'startAt', () => parseFutureDate(str(values, 'startAt'), 'Start time', now))
      : undefined;
  if (values.repeat === 'until') {
    const until = check(errors, 'loopUntil', () => parseFutureDate(str(values, 'loopUntil'), 'Loop until', now));
    if (until && startAt && Date.parse(until) <= Date.parse(startAt))
      errors.loopUntil = 'Loop until must be after the start time';
    check(errors, 'interval', () => parseInterval(str(values, 'interval'), 'Interval'));
  }
  check(errors, 'notify', () => parseNotify(str(values, 'notify'), 'Notify users'));
  return errors;
}

/** The rows of step 2 for a group: kept edits, else the recreated sync's, else the defaults. */
export function buildRows(
  directory: DirectoryEntry[],
  group: AccountGroup,
  previous: AccountRow[] | undefined,
  initial: SyncSettings | undefined,
): AccountRow[] {
  const fromInitial =
    initial && initial.group === group ? new Map(initial.accounts.map((a) => [a.email.toLowerCase(), a])) : undefined;
  const before = new Map((previous ?? []).map((row) => [row.email.toLowerCase(), row]));
  const inGroup = directory.filter((entry) => group !== 'admin' || entry.admin);
  const rows: AccountRow[] = inGroup.map((entry) => {
    const key = entry.email.toLowerCase();
    const prior = before.get(key);
    const chosen = fromInitial?.get(key);
    return {
      email: entry.email,
      admin: entry.admin,
      inDirectory: true,
      checked: fromInitial ? Boolean(chosen) : group !== 'specific',
      remoteUser: prior?.remoteUser ?? chosen?.remoteUser ?? entry.email,
      remotePassword: prior?.remotePassword ?? chosen?.remotePassword ?? '',
    };
  });
  for (const chosen of fromInitial?.values() ?? []) {
    if (rows.some((row) => row.email.toLowerCase() === chosen.email.toLowerCase())) continue;
    rows.push({
      email: chosen.email,
      admin: false,
      inDirectory: false,
      checked: true,
      remoteUser: chosen.remoteUser,
      remotePassword: chosen.remotePassword ?? '',
    });
  }
  return rows;
}

export function selectedAccounts(rows: AccountRow[], emails?: string[]): SelectedAccount[] {
  const wanted = emails ? new Set(emails) : undefined;
  return rows
    .filter((row) => (wanted ? wanted.has(row.email) : row.checked))
    .map((row) => ({
      email: row.email,
      remoteUser: row.remoteUser.trim(),
      ...(row.remotePassword ? { remotePassword: row.remotePassword } : {}),
    }));
}

/** The settings of the sync: step 1 and 3 must be valid (the schedule may be left out for a test). */
export function buildSettings(
  state: WizardState,
  accounts: SelectedAccount[],
  withSchedule = true,
  now = Date.now(),
): SyncSettings {
  const { s1, s3, initial } = state;
  const tls = str(s1, 'tls') as TlsMode;
  const settings: SyncSettings = {
    source: {
      host: parseHost(str(s1, 'host'), 'IMAP server'),
      port: parsePort(str(s1, 'port'), 'Port'),
      tls,
      allowInvalidCert: Boolean(s1.allowInvalidCert),
    },
    ...(initial?.sourceAdmin ? { sourceAdmin: initial.sourceAdmin } : {}),
    mode: str(s1, 'mode') as SyncMode,
    dryRun: Boolean(s1.dryRun),
    group: str(s1, 'group') as AccountGroup,
    accounts,
    threads: parseThreads(str(s1, 'threads'), 'Threads'),
    connections: parseConnections(str(s1, 'connections'), CONNECTIONS_LABEL),
    start: 'now',
    loopIntervalMs: 3_600_000,
    notify: [],
    deleteGuardPercent: initial?.deleteGuardPercent ?? 10,
    allowMassDelete: initial?.allowMassDelete ?? false,
    mapSpecialUse: initial?.mapSpecialUse ?? true,
  };
  if (!withSchedule) return settings;
  const start = str(s3, 'start');
  settings.start = start === 'at' ? parseFutureDate(str(s3, 'startAt'), 'Start time', now) : start;
  if (s3.repeat === 'until') {
    settings.loopUntil = parseFutureDate(str(s3, 'loopUntil'), 'Loop until', now);
    settings.loopIntervalMs = parseInterval(str(s3, 'interval'), 'Interval');
  }
  settings.notify = parseNotify(str(s3, 'notify'), 'Notify users');
  return settings;
}

/** The domain typed for "append domain": example.com (a leading @ is dropped). */
export function parseDomain(text: string): string {
  const domain = text.trim().replace(/^@/, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i.test(domain))
    throw new Error(`Domain must be such as example.com, not ${JSON.stringify(text.trim())}`);
  return domain.toLowerCase();
}

export function appendDomain(user: string, domain: string): string {
  return user.includes('@') ? user : `${user}@${domain}`;
}

export function removeDomain(user: string): string {
  return user.includes('@') ? user.slice(0, user.lastIndexOf('@')) : user;
}
