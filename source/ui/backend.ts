// What the dashboard reads and the commands it sends: the only way the UI reaches the
// engine and the store. The UI holds no sync logic; the CLI composes the real backend
// (source/cli/dashboardBackend.ts), screen tests use a fake of this interface.
import type { LoginTestResult } from '../imap/connection.ts';
import type { AuthCheck, LiveRun, ManagerEvent } from '../engine/syncManager.ts';
import type { ControlTable } from '../engine/controls.ts';
import type { AccountRunRecord, HistoryEntry, RunRecord, SyncRecord, SyncSettings } from '../engine/syncModel.ts';

export type { AuthCheck, LiveRun, ManagerEvent } from '../engine/syncManager.ts';
export type { Control, ControlAnswer, ControlTable } from '../engine/controls.ts';
export type {
  AccountRunRecord,
  HistoryEntry,
  RunRecord,
  SyncRecord,
  SyncSettings,
  SyncStatus,
} from '../engine/syncModel.ts';

/** One row of the sync list (docs/spec.md L1). */
export interface SyncRow {
  sync: SyncRecord;
  lastRun?: RunRecord;
  /** Which controls act on the sync now, and why not (the engine's table, docs/spec.md D2). */
  controls: ControlTable;
}

export interface SyncDetail {
  sync: SyncRecord;
  /** Newest first. */
  runs: RunRecord[];
  /** Newest first. */
  history: HistoryEntry[];
  /** Which controls act on the sync now, and why not (the engine's table, docs/spec.md D2). */
  controls: ControlTable;
}

/** An account of the directory as the UI shows it: never its password. */
export interface DirectoryEntry {
  email: string;
  admin: boolean;
  displayName?: string;
  hasPassword: boolean;
}

export interface DestinationView {
  host: string;
  port: number;
  tls: 'none' | 'starttls' | 'tls';
  allowInvalidCert: boolean;
  adminUser?: string;
  hasAdminPassword: boolean;
}

export interface SmtpView {
  host: string;
  port: number;
  tls: 'none' | 'starttls' | 'tls';
  allowInvalidCert: boolean;
  user?: string;
  hasPassword: boolean;
  from: string;
}

export interface DashboardBackend {
  /** The OS user recorded in the history for actions taken on this screen. */
  readonly user: string;
  readonly dataDir: string;

  // Syncs (docs/spec.md L1, L2, D1–D6, A1–A3)
  listSyncs(): Promise<SyncRow[]>;
  getSync(id: string): Promise<SyncDetail>;
  accountRuns(runId: string): Promise<AccountRunRecord[]>;
  /** Runs going on in this process, with live counters (fresher than accountRuns). */
  liveRuns(): LiveRun[];
  /** Every status and account event; returns the unsubscribe function. */
  subscribe(listener: (event: ManagerEvent) => void): () => void;

  // Commands: each rejects with an Error whose message is one actionable line (a CSV import
  // also carries `details: string[]`, one per bad row).
  createSync(settings: SyncSettings): Promise<SyncRecord>;
  recreateSync(fromId: string, settings: SyncSettings): Promise<SyncRecord>;
  start(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  /** A paused run goes on: the same run, its counters and running time carried on. */
  resume(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  restart(id: string): Promise<void>;
  setThreads(id: string, threads: number): Promise<void>;
  addNote(id: string, text: string): Promise<void>;
  /** Wizard step 2: each account's source and destination logins for unsaved settings. */
  testAuth(settings: SyncSettings): Promise<AuthCheck[]>;
  /** CSV of a run's per-account table, for the migration report; returns the file written. */
  exportRunCsv(runId: string, file: string): Promise<string>;
  /** Where exports go unless the user edits the path: the data dir's `exports/` (made on first use). */
  readonly exportsDir: string;

  // Account directory (docs/spec.md C2)
  listAccounts(): Promise<DirectoryEntry[]>;
  addAccount(input: { email: string; password?: string; admin: boolean; displayName?: string }): Promise<void>;
  updateAccount(
    email: string,
    patch: { password?: string | null; admin?: boolean; displayName?: string | null },
  ): Promise<void>;
  removeAccount(email: string): Promise<void>;
  /** All or nothing: rejects with `details` listing every bad row. */
  importAccountsCsv(file: string): Promise<{ added: number; updated: number }>;

  // Settings (docs/spec.md C1, C3)
  getDestination(): DestinationView | undefined;
  setDestination(settings: {
    host: string;
    port: number;
    tls: 'none' | 'starttls' | 'tls';
    allowInvalidCert: boolean;
    adminUser?: string;
    adminPassword?: string;
  }): Promise<void>;
  testDestination(account?: string): Promise<LoginTestResult>;
  getSmtp(): SmtpView | undefined;
  setSmtp(settings: {
    host: string;
    port: number;
    tls: 'none' | 'starttls' | 'tls';
    allowInvalidCert: boolean;
    user?: string;
    password?: string;
    from: string;
  }): Promise<void>;

  /** Pauses every running sync at a safe point (they continue at the next start), for quit. */
  shutdown(): Promise<void>;
}
