// What a sync is (the wizard's result, docs/spec.md W1–W7) and how it becomes one job per account.
import type { LoginCredentials, ServerEndpoint } from '../imap/endpoint.ts';
import {
  DEFAULT_ACCOUNT_OPTIONS,
  DEFAULT_CONNECTIONS,
  pairKeyOf,
  type AccountSyncJob,
  type AccountSyncOptions,
  type Counters,
  type ErrorLine,
  type LogLine,
  type AccountStatus,
  type SyncMode,
} from './types.ts';

export type AccountGroup = 'all' | 'admin' | 'specific';

export const ACCOUNT_GROUPS: readonly AccountGroup[] = ['all', 'admin', 'specific'];

export type SyncStatus =
  'Scheduled' | 'Manual' | 'Running' | 'Paused' | 'Stopped' | 'Complete' | 'Complete with errors' | 'Interrupted';

/** One selected account: its destination email and its login on the source (docs/spec.md W6). */
export interface SelectedAccount {
  email: string;
  remoteUser: string;
  /** Blank: the account's destination password is used on the source too. */
  remotePassword?: string;
}

export interface SyncSettings {
  source: ServerEndpoint;
  /** An admin (master) login on the source, to log in as every remote user (docs/spec.md section 9). */
  sourceAdmin?: { user: string; password: string };
  mode: SyncMode;
  dryRun: boolean;
  group: AccountGroup;
  accounts: SelectedAccount[];
  threads: number;
  /** "now", "manual", or an ISO-8601 start time. */
  start: string;
  loopUntil?: string;
  loopIntervalMs: number;
  notify: string[];
  deleteGuardPercent: number;
  allowMassDelete: boolean;
  mapSpecialUse: boolean;
  /** Connections per user on each server (absent in syncs made before it existed: the default). */
  connections?: number;
}

/** A sync's settings with the defaults of the seed's wizard (dry run, one thread, start now). */
export function defaultSyncSettings(
  source: ServerEndpoint,
  accounts: SelectedAccount[],
  overrides: Partial<SyncSettings> = {},
): SyncSettings {
  return {
    source,
    mode: 'new',
    dryRun: true,
    group: 'all',
    accounts,
    threads: 1,
    start: 'now',
    loopIntervalMs: 3_600_000,
    notify: [],
    deleteGuardPercent: 10,
    allowMassDelete: false,
    mapSpecialUse: true,
    ...overrides,
  };
}

export interface SyncRecord extends SyncSettings {
  id: string;
  createdAt: string;
  status: SyncStatus;
  /** When a Scheduled sync is due: its start time, or the next pass of a loop (docs/spec.md W7, S1). */
  nextRunAt?: string;
  /** The sync this one was recreated from (docs/spec.md L2). */
  recreatedFrom?: string;
}

export interface RunRecord {
  id: string;
  syncId: string;
  startedAt: string;
  completedAt?: string;
  status: SyncStatus;
  /** Time spent paused between resumes of this run, left out of its running time. */
  pausedMs?: number;
  /** When the run paused, while it is Paused. */
  pausedAt?: string;
}

/** An account's state in a run; `interrupted` when the process died while it ran. */
export type AccountRunStatus = AccountStatus | 'interrupted';

export interface AccountRunRecord {
  runId: string;
  syncId: string;
  account: string;
  status: AccountRunStatus;
  planned: boolean;
  counters: Counters;
  errors: ErrorLine[];
  log: LogLine[];
  startedAt?: string;
  completedAt?: string;
}

/** How the destination is reached (from Settings, docs/spec.md C1). */
export interface DestinationAccess {
  endpoint: ServerEndpoint;
  admin?: { user: string; password: string };
}

/** What the account directory knows of one account. */
export interface DirectoryAccount {
  email: string;
  password?: string;
  admin: boolean;
}

export class JobSetupError extends Error {}

function destinationCredentials(
  access: DestinationAccess,
  account: DirectoryAccount | undefined,
  email: string,
): LoginCredentials {
  if (access.admin) return { user: access.admin.user, password: access.admin.password, authzid: email };
  if (!account) throw new JobSetupError(`${email} is not in the account directory; add it with \`accounts add\``);
  if (!account.password) {
    throw new JobSetupError(
      `${email} has no destination password; set one with \`accounts edit ${email} --password-file F\` or configure an admin login`,
    );
  }
  return { user: email, password: account.password };
}

function sourceCredentials(
  settings: SyncSettings,
  selected: SelectedAccount,
  account: DirectoryAccount | undefined,
): LoginCredentials {
  if (settings.sourceAdmin) {
    return { user: settings.sourceAdmin.user, password: settings.sourceAdmin.password, authzid: selected.remoteUser };
  }
  const password = selected.remotePassword || account?.password;
  if (!password) {
    throw new JobSetupError(`${selected.email}: no remote password and no destination password to fall back on`);
  }
  return { user: selected.remoteUser, password };
}

export function accountOptions(settings: SyncSettings): AccountSyncOptions {
  return {
    ...DEFAULT_ACCOUNT_OPTIONS,
    mode: settings.mode,
    dryRun: settings.dryRun,
    deleteGuardPercent: settings.deleteGuardPercent,
    allowMassDelete: settings.allowMassDelete,
    mapSpecialUse: settings.mapSpecialUse,
    connections: settings.connections ?? DEFAULT_CONNECTIONS,
  };
}

/** One job per selected account, or the reason that account cannot start. */
export function buildJobs(
  settings: SyncSettings,
  destination: DestinationAccess,
  directory: Map<string, DirectoryAccount>,
): { jobs: AccountSyncJob[]; refused: { account: string; reason: string }[] } {
  const jobs: AccountSyncJob[] = [];
  const refused: { account: string; reason: string }[] = [];
  for (const selected of settings.accounts) {
    const account = directory.get(selected.email.toLowerCase());
    try {
      const source = { endpoint: settings.source, credentials: sourceCredentials(settings, selected, account) };
      jobs.push({
        account: selected.email,
        source,
        destination: {
          endpoint: destination.endpoint,
          credentials: destinationCredentials(destination, account, selected.email),
        },
        pairKey: pairKeyOf(source, selected.email),
        options: accountOptions(settings),
      });
    } catch (error) {
      if (!(error instanceof JobSetupError)) throw error;
      refused.push({ account: selected.email, reason: error.message });
    }
  }
  return { jobs, refused };
}

/** History entry types (docs/spec.md D5), the seed's names first. */
export const HISTORY_TYPES = [
  'Sync - User Start',
  'Sync - System Start',
  'Sync - User Pause',
  'Sync - System Pause',
  'Sync - User Resume',
  'Sync - System Resume',
  'Sync - User Stop',
  'Sync - User Restart',
  'Sync - Complete',
  'Sync - Complete with errors',
  'Sync - Interrupted',
  'Sync - Created',
  'Sync - Recreated',
  'Threads Changed',
  'Note',
  'Notification Sent',
  'Notification Failed',
] as const;

export type HistoryType = (typeof HISTORY_TYPES)[number];

export interface HistoryEntry {
  syncId: string;
  at: string;
  type: HistoryType;
  note: string;
  /** The OS user for actions taken by a person; empty for the system. */
  user: string;
}

/** Statuses in which a sync can be (re)started by Restart (docs/spec.md D2). */
export const RESTARTABLE: readonly SyncStatus[] = [
  'Paused',
  'Stopped',
  'Interrupted',
  'Complete',
  'Complete with errors',
];

/** The status a finished run leaves its sync in. */
export function finishedStatus(results: { status: AccountStatus; counters: Counters }[]): SyncStatus {
  const clean = results.every((result) => result.status === 'complete' && result.counters.errors === 0);
  return clean ? 'Complete' : 'Complete with errors';
}
