// The ports and results of the sync manager (source/engine/syncManager.ts): what the store and
// the notifier implement for it, and what it tells the CLI and the dashboard.
import type { LoginTestResult } from '../imap/connection.ts';
import type { AccountRunRecord, HistoryEntry, RunRecord, SyncRecord, SyncSettings, SyncStatus } from './syncModel.ts';
import type { AccountEvent } from './types.ts';
import type { EngineResources } from './engineResources.ts';
import type { CopyStateStore } from './ports.ts';
import type { AccessPort, OpenSession } from './runExecution.ts';

/** Where syncs, runs, per-account results and history live (the store implements it). */
export interface SyncRepositoryPort {
  get(id: string): Promise<SyncRecord>;
  list(): Promise<SyncRecord[]>;
  create(
    settings: SyncSettings,
    status: SyncStatus,
    extra?: { nextRunAt?: string; recreatedFrom?: string },
  ): Promise<SyncRecord>;
  update(id: string, patch: Partial<SyncSettings>): Promise<void>;
  setStatus(id: string, status: SyncStatus, nextRunAt?: string): Promise<void>;
  startRun(syncId: string): Promise<RunRecord>;
  /** A Paused run goes on (docs/spec.md D2): Running again, its paused time kept apart. */
  resumeRun(runId: string): Promise<RunRecord>;
  finishRun(runId: string, status: SyncStatus, completed: boolean): Promise<void>;
  markRunInterrupted(runId: string): Promise<void>;
  runsOf(syncId: string): Promise<RunRecord[]>;
  saveAccountRun(record: AccountRunRecord): Promise<void>;
  accountRunsOf(runId: string): Promise<AccountRunRecord[]>;
  addHistory(entry: HistoryEntry): Promise<void>;
  historyOf(syncId: string): Promise<HistoryEntry[]>;
  /** Rewrites the note of the sync's newest entry of `type` (coalesced thread changes). */
  updateLatestHistory(syncId: string, type: HistoryEntry['type'], patch: { at: string; note: string }): Promise<void>;
}

export type NotificationKind = 'run-start' | 'run-end' | 'account-failed' | 'sync-stopped';

export interface SyncNotification {
  kind: NotificationKind;
  sync: SyncRecord;
  run: RunRecord;
  accounts: AccountRunRecord[];
  /** Who stopped the sync (sync-stopped). */
  user?: string;
}

/** Sends the notifications of docs/spec.md N1; undefined when the sync has nobody to notify. */
export interface NotifyPort {
  notify(notification: SyncNotification): Promise<{ ok: boolean; detail: string } | undefined>;
}

/** A control that does not apply to the sync's status (exit 2 from the CLI). */
export class ControlError extends Error {}

export interface RunOutcome {
  run: RunRecord;
  status: SyncStatus;
  accounts: AccountRunRecord[];
}

export interface LiveRun {
  syncId: string;
  run: RunRecord;
  threads: number;
  accounts: AccountRunRecord[];
}

export type ManagerEvent =
  { type: 'account'; syncId: string; event: AccountEvent } | { type: 'status'; syncId: string; status: SyncStatus };

export interface AuthCheck {
  account: string;
  source: LoginTestResult;
  destination: LoginTestResult;
}

export interface SyncManagerDeps {
  syncs: SyncRepositoryPort;
  state: CopyStateStore;
  access: AccessPort;
  notifier?: NotifyPort;
  openSession?: OpenSession;
  /** The byte budget and lane permits of the process, from the composition root. */
  resources?: EngineResources;
  /** Thread changes this close together make one history entry (docs/spec.md D3, issue 14). */
  threadsCoalesceMs?: number;
}
