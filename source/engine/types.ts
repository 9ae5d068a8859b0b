// The vocabulary of the engine: modes, counters, log lines and events (docs/spec.md W2, E5, A2, A3).
import type { LoginCredentials, ServerEndpoint } from '../imap/endpoint.ts';

export type SyncMode = 'all' | 'flags-new' | 'new';

export const SYNC_MODES: readonly SyncMode[] = ['all', 'flags-new', 'new'];

/** The seed's names for the modes, as shown in tables. */
export const MODE_LABELS: Record<SyncMode, string> = {
  all: 'SyncAll',
  'flags-new': 'SyncFlagNew',
  new: 'SyncNew',
};

/** Per account and run, exactly the seed's columns (docs/spec.md E5). */
export interface Counters {
  /** Messages in the synced source folders. */
  messages: number;
  /** Messages copied to the destination ("Msgs DL"). */
  downloaded: number;
  messagesDeleted: number;
  duplicatesDeleted: number;
  foldersCreated: number;
  foldersDeleted: number;
  /** Messages whose flags were changed on the destination. */
  flagsChanged: number;
  errors: number;
  /** Bytes of the messages copied (for throughput). */
  bytesDownloaded: number;
}

export function zeroCounters(): Counters {
  return {
    messages: 0,
    downloaded: 0,
    messagesDeleted: 0,
    duplicatesDeleted: 0,
    foldersCreated: 0,
    foldersDeleted: 0,
    flagsChanged: 0,
    errors: 0,
    bytesDownloaded: 0,
  };
}

/** Stable codes of the error log (docs/spec.md A2). */
export type ErrorCode =
  | 'AUTH_FAILED'
  | 'CONNECT_FAILED'
  | 'TLS_FAILED'
  | 'CONNECTION_LOST'
  | 'FOLDER_FAILED'
  | 'FETCH_FAILED'
  | 'APPEND_FAILED'
  | 'FLAGS_FAILED'
  | 'DELETE_FAILED'
  | 'OVERQUOTA'
  | 'DELETE_GUARD'
  | 'PROTOCOL_ERROR'
  | 'NO_CREDENTIALS'
  | 'INTERNAL_ERROR';

export interface ErrorLine {
  at: string;
  code: ErrorCode;
  detail: string;
}

export interface LogLine {
  at: string;
  text: string;
}

export type AccountStatus = 'pending' | 'running' | 'complete' | 'failed' | 'paused' | 'stopped';

/** One side of an account's sync: where to connect and who logs in. */
export interface SideAccess {
  endpoint: ServerEndpoint;
  credentials: LoginCredentials;
}

export interface AccountSyncOptions {
  mode: SyncMode;
  dryRun: boolean;
  /** Sync All stops an account whose pass would delete more than this share of its destination messages. */
  deleteGuardPercent: number;
  /** Lift the deletion guard. */
  allowMassDelete: boolean;
  /** Map special-use folders onto the destination's (docs/spec.md E2). */
  mapSpecialUse: boolean;
  /** Most messages fetched in one FETCH of bodies. */
  batchMessages: number;
  /** Most bytes of bodies fetched in one FETCH (a bigger message goes alone). */
  batchBytes: number;
  /** Retries of a lost connection before the account fails. */
  maxRetries: number;
  /** First backoff delay; doubles up to 30 s, with jitter. */
  retryBaseMs: number;
  /**
   * Connections the account may hold on each server (its connection budget, per user). Each is
   * one lane: a source and a destination connection working on one folder at a time, so this
   * many folders of the account are synced at once. Dovecot allows 10 per user and IP
   * (`mail_max_userip_connections`); the default leaves room for the user's own mail clients.
   */
  connections: number;
}

// The connection budget's default and cap live in source/shared (the wizard shows them too).
import { DEFAULT_CONNECTIONS } from '../shared/fields.ts';
export { DEFAULT_CONNECTIONS, MAX_CONNECTIONS } from '../shared/fields.ts';

export const DEFAULT_ACCOUNT_OPTIONS: Omit<AccountSyncOptions, 'mode' | 'dryRun'> = {
  deleteGuardPercent: 10,
  allowMassDelete: false,
  mapSpecialUse: true,
  batchMessages: 100,
  batchBytes: 2 * 1024 * 1024,
  maxRetries: 5,
  retryBaseMs: 1000,
  connections: DEFAULT_CONNECTIONS,
};

export interface AccountSyncJob {
  /** The destination account (its email), as named in the account directory. */
  account: string;
  source: SideAccess;
  destination: SideAccess;
  /**
   * The pair (source server and user, destination account) the copy state belongs to, so a
   * new or recreated sync over the same pair continues from it (docs/spec.md E4).
   */
  pairKey: string;
  options: AccountSyncOptions;
}

export interface AccountResult {
  account: string;
  status: AccountStatus;
  planned: boolean;
  counters: Counters;
  errors: ErrorLine[];
  log: LogLine[];
  startedAt: string;
  completedAt?: string;
}

export type AccountEvent =
  | { type: 'counters'; account: string; counters: Counters }
  | { type: 'log'; account: string; line: LogLine }
  | { type: 'error'; account: string; line: ErrorLine }
  | { type: 'status'; account: string; status: AccountStatus };

export function pairKeyOf(source: SideAccess, destinationAccount: string): string {
  const user = source.credentials.authzid ?? source.credentials.user;
  return `${source.endpoint.host.toLowerCase()}:${source.endpoint.port}|${user.toLowerCase()}|${destinationAccount.toLowerCase()}`;
}
