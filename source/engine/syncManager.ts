// The engine facade the CLI, the headless scheduler and the dashboard drive (docs/spec.md D2–D5,
// L2, S1, N1): syncs and their runs in this process, the controls valid in each status,
// history entries, live thread changes, scheduling and loops, recovery after a crash.
import { EventEmitter } from 'node:events';
import { testLogin, type LoginTestResult } from '../imap/connection.ts';
import type { EngineResources } from './engineResources.ts';
import { KeyedQueue } from './keyedQueue.ts';
import type { CopyStateStore } from './ports.ts';
import { executeRun, NoDestinationError, type AccessPort, type OpenSession } from './runExecution.ts';
import {
  buildJobs,
  finishedStatus,
  RESTARTABLE,
  type AccountRunRecord,
  type HistoryEntry,
  type HistoryType,
  type RunRecord,
  type SyncRecord,
  type SyncSettings,
  type SyncStatus,
} from './syncModel.ts';
import type { AccountEvent } from './types.ts';
import { WorkerPool } from './workerPool.ts';

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
  finishRun(runId: string, status: SyncStatus, completed: boolean): Promise<void>;
  markRunInterrupted(runId: string): Promise<void>;
  runsOf(syncId: string): Promise<RunRecord[]>;
  saveAccountRun(record: AccountRunRecord): Promise<void>;
  accountRunsOf(runId: string): Promise<AccountRunRecord[]>;
  addHistory(entry: HistoryEntry): Promise<void>;
  historyOf(syncId: string): Promise<HistoryEntry[]>;
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

export interface SyncManagerDeps {
  syncs: SyncRepositoryPort;
  state: CopyStateStore;
  access: AccessPort;
  notifier?: NotifyPort;
  openSession?: OpenSession;
  /** The byte budget and lane permits of the process, from the composition root. */
  resources?: EngineResources;
}

/** A control that does not apply to the sync's status (exit 2 from the CLI). */
export class ControlError extends Error {}

interface ActiveRun {
  sync: SyncRecord;
  run: RunRecord;
  controller: AbortController;
  pool: WorkerPool;
  live: Map<string, AccountRunRecord>;
  done: Promise<RunOutcome>;
}

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

/** Why a run was aborted: the signal's reason. "shutdown" is the process ending (system pause). */
type AbortReason = 'pause' | 'stop' | 'shutdown';

export interface AuthCheck {
  account: string;
  source: LoginTestResult;
  destination: LoginTestResult;
}

export class SyncManager extends EventEmitter {
  private readonly active = new Map<string, ActiveRun>();
  private readonly locks = new KeyedQueue();

  constructor(private readonly deps: SyncManagerDeps) {
    super();
  }

  private async history(syncId: string, type: HistoryType, note = '', user = ''): Promise<void> {
    await this.deps.syncs.addHistory({ syncId, at: new Date().toISOString(), type, note, user });
  }

  private async setStatus(syncId: string, status: SyncStatus, nextRunAt?: string): Promise<void> {
    await this.deps.syncs.setStatus(syncId, status, nextRunAt);
    this.emit('event', { type: 'status', syncId, status } satisfies ManagerEvent);
  }

  isActive(syncId: string): boolean {
    return this.active.has(syncId);
  }

  /** The running syncs of this process with every account's latest counters. */
  liveRuns(): LiveRun[] {
    return [...this.active.values()].map((active) => ({
      syncId: active.sync.id,
      run: active.run,
      threads: active.pool.size,
      accounts: [...active.live.values()].map((record) => ({ ...record, counters: { ...record.counters } })),
    }));
  }

  async create(settings: SyncSettings, user: string, recreatedFrom?: string): Promise<SyncRecord> {
    const manual = settings.start === 'manual';
    const nextRunAt = manual ? undefined : settings.start === 'now' ? new Date().toISOString() : settings.start;
    const sync = await this.deps.syncs.create(settings, manual ? 'Manual' : 'Scheduled', { nextRunAt, recreatedFrom });
    const notes = [recreatedFrom ? `from sync ${recreatedFrom}` : ''];
    // An unverified certificate is a security choice a later reader of the history must see.
    if (settings.source.allowInvalidCert)
      notes.push(`the source certificate of ${settings.source.host} is not verified (allowed explicitly)`);
    await this.history(
      sync.id,
      recreatedFrom ? 'Sync - Recreated' : 'Sync - Created',
      notes.filter(Boolean).join('; '),
      user,
    );
    return sync;
  }

  /** A sync that was Running when its process died becomes Interrupted (docs/spec.md S1). */
  async recoverInterrupted(): Promise<string[]> {
    const recovered: string[] = [];
    for (const sync of await this.deps.syncs.list()) {
      if (sync.status !== 'Running' || this.active.has(sync.id)) continue;
      const [lastRun] = await this.deps.syncs.runsOf(sync.id);
      if (lastRun) await this.deps.syncs.markRunInterrupted(lastRun.id);
      await this.setStatus(sync.id, 'Interrupted');
      await this.history(
        sync.id,
        'Sync - Interrupted',
        'the process running it ended; restart it to continue where it left off',
      );
      recovered.push(sync.id);
    }
    return recovered;
  }

  /** Start (docs/spec.md D2): a manual sync, or a scheduled one before its time. */
  async start(id: string, user: string): Promise<RunRecord> {
    const sync = await this.deps.syncs.get(id);
    if (this.active.has(sync.id)) throw new ControlError(`sync ${sync.id} is already running`);
    if (sync.status !== 'Manual' && sync.status !== 'Scheduled') {
      throw new ControlError(
        `sync ${sync.id} is ${sync.status}: Start applies to a Manual or Scheduled sync; use restart`,
      );
    }
    return this.launch(sync, 'Sync - User Start', user);
  }

  /** Restart (docs/spec.md D2): a new run that continues where the last left off. */
  async restart(id: string, user: string): Promise<RunRecord> {
    const sync = await this.deps.syncs.get(id);
    if (this.active.has(sync.id)) throw new ControlError(`sync ${sync.id} is running; pause or stop it first`);
    if (!RESTARTABLE.includes(sync.status)) {
      throw new ControlError(
        `sync ${sync.id} is ${sync.status}: Restart applies to a paused, stopped, interrupted or completed sync`,
      );
    }
    return this.launch(sync, 'Sync - User Restart', user);
  }

  /** Start or restart, whichever applies. */
  async startOrRestart(id: string, user: string): Promise<RunRecord> {
    const sync = await this.deps.syncs.get(id);
    return sync.status === 'Manual' || sync.status === 'Scheduled' ? this.start(id, user) : this.restart(id, user);
  }

  /**
   * Start or restart from a process that does not run syncs itself (a CLI command while no
   * scheduler runs): the sync becomes due now and the next `imap-migrate run` or dashboard
   * starts it.
   */
  async queueStart(id: string, user: string, control: 'start' | 'restart'): Promise<SyncRecord> {
    const sync = await this.deps.syncs.get(id);
    const fresh = sync.status === 'Manual' || sync.status === 'Scheduled';
    if (control === 'start' && !fresh) {
      throw new ControlError(
        `sync ${sync.id} is ${sync.status}: Start applies to a Manual or Scheduled sync; use restart`,
      );
    }
    if (control === 'restart' && !RESTARTABLE.includes(sync.status)) {
      throw new ControlError(
        `sync ${sync.id} is ${sync.status}: Restart applies to a paused, stopped, interrupted or completed sync`,
      );
    }
    await this.setStatus(sync.id, 'Scheduled', new Date().toISOString());
    await this.history(
      sync.id,
      fresh ? 'Sync - User Start' : 'Sync - User Restart',
      'queued: starts when `imap-migrate run` or the dashboard runs',
      user,
    );
    return sync;
  }

  /** Pause (docs/spec.md D2): accounts stop at the next safe point. Resolves once they have. */
  async pause(id: string, user: string): Promise<SyncStatus> {
    const sync = await this.deps.syncs.get(id);
    const active = this.active.get(sync.id);
    if (active) {
      await this.history(sync.id, 'Sync - User Pause', '', user);
      active.controller.abort('pause' satisfies AbortReason);
      return (await active.done).status;
    }
    if (sync.status === 'Scheduled') {
      await this.setStatus(sync.id, 'Paused');
      await this.history(sync.id, 'Sync - User Pause', 'before its start', user);
      return 'Paused';
    }
    throw new ControlError(`sync ${sync.id} is ${sync.status}: Pause applies to a running or scheduled sync`);
  }

  /** Stop (docs/spec.md D2). Resolves once every account has stopped. */
  async stop(id: string, user: string): Promise<SyncStatus> {
    const sync = await this.deps.syncs.get(id);
    const active = this.active.get(sync.id);
    if (active) {
      await this.history(sync.id, 'Sync - User Stop', '', user);
      active.controller.abort('stop' satisfies AbortReason);
      return (await active.done).status;
    }
    if (['Scheduled', 'Manual', 'Paused', 'Interrupted'].includes(sync.status)) {
      await this.setStatus(sync.id, 'Stopped');
      await this.history(sync.id, 'Sync - User Stop', '', user);
      return 'Stopped';
    }
    throw new ControlError(
      `sync ${sync.id} is ${sync.status}: Stop applies to a running, scheduled, manual, paused or interrupted sync`,
    );
  }

  /** Threads (docs/spec.md D3): takes effect at once, without stopping accounts in progress. */
  async setThreads(id: string, threads: number, user: string): Promise<void> {
    const sync = await this.deps.syncs.get(id);
    if (threads === sync.threads) return;
    await this.deps.syncs.update(sync.id, { threads });
    this.active.get(sync.id)?.pool.setLimit(threads);
    await this.history(sync.id, 'Threads Changed', `${sync.threads} to ${threads}`, user);
  }

  async addNote(id: string, text: string, user: string): Promise<void> {
    const sync = await this.deps.syncs.get(id);
    await this.history(sync.id, 'Note', text, user);
  }

  /**
   * Starts every Scheduled sync that is due (docs/spec.md S1). Returns the ids started and when the
   * next one is due, from one listing of the syncs.
   */
  async tick(now = new Date()): Promise<{ started: string[]; nextDue?: Date }> {
    const started: string[] = [];
    let nextDue: number | undefined;
    for (const sync of await this.deps.syncs.list()) {
      if (sync.status !== 'Scheduled' || this.active.has(sync.id)) continue;
      const due = sync.nextRunAt ? Date.parse(sync.nextRunAt) : now.getTime();
      if (due > now.getTime()) {
        nextDue = Math.min(nextDue ?? due, due);
        continue;
      }
      try {
        await this.launch(sync, 'Sync - System Start', '');
        started.push(sync.id);
      } catch (error) {
        // Not retried every tick: the sync waits for a person to fix the cause and restart it.
        await this.setStatus(sync.id, 'Stopped');
        await this.history(
          sync.id,
          'Sync - System Start',
          `could not start: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return { started, nextDue: nextDue === undefined ? undefined : new Date(nextDue) };
  }

  /** The outcome of the sync's current run, once it ends. */
  async waitFor(id: string): Promise<RunOutcome | undefined> {
    return this.active.get(id)?.done;
  }

  /**
   * The process is ending (SIGTERM, quit): every run pauses at a safe point and is put back
   * to Scheduled, so the next `imap-migrate run` or dashboard picks it up again.
   */
  async shutdown(): Promise<void> {
    const runs = [...this.active.values()];
    for (const active of runs) active.controller.abort('shutdown' satisfies AbortReason);
    await Promise.all(runs.map((active) => active.done.catch(() => undefined)));
    await this.idle();
  }

  /** Tries each selected account's source and destination logins (docs/spec.md W6). */
  async testAuth(id: string, concurrency = 4): Promise<AuthCheck[]> {
    return this.testAuthOf(await this.deps.syncs.get(id), concurrency);
  }

  /** The same for settings not yet saved as a sync (the wizard's step 2). */
  async testAuthOf(sync: SyncSettings, concurrency = 4): Promise<AuthCheck[]> {
    const destination = this.deps.access.destination();
    if (!destination) throw new NoDestinationError();
    const { jobs, refused } = buildJobs(sync, destination, await this.deps.access.directory());
    const pool = new WorkerPool(concurrency);
    const checks = await Promise.all(
      jobs.map((job) =>
        pool.run(async () => ({
          account: job.account,
          source: await testLogin(job.source.endpoint, job.source.credentials),
          destination: await testLogin(job.destination.endpoint, job.destination.credentials),
        })),
      ),
    );
    const notPossible = refused.map(({ account, reason }) => {
      const result: LoginTestResult = { ok: false, code: 'AUTH_FAILED', reason };
      return { account, source: result, destination: result };
    });
    return [...checks, ...notPossible].sort((a, b) => a.account.localeCompare(b.account));
  }

  private readonly pendingNotifications = new Set<Promise<void>>();

  /** Sends in the background (a slow SMTP server never holds a run up); see idle(). */
  private notify(notification: SyncNotification): void {
    if (!this.deps.notifier) return;
    const sending = this.deliver(notification).finally(() => this.pendingNotifications.delete(sending));
    this.pendingNotifications.add(sending);
  }

  /** Resolves once every notification so far is sent (or failed) and in the history. */
  async idle(): Promise<void> {
    while (this.pendingNotifications.size > 0) await Promise.all([...this.pendingNotifications]);
  }

  private async deliver(notification: SyncNotification): Promise<void> {
    if (!this.deps.notifier) return;
    try {
      const outcome = await this.deps.notifier.notify(notification);
      if (!outcome) return;
      await this.history(
        notification.sync.id,
        outcome.ok ? 'Notification Sent' : 'Notification Failed',
        outcome.detail,
      );
    } catch (error) {
      await this.history(
        notification.sync.id,
        'Notification Failed',
        `${notification.kind}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async launch(sync: SyncRecord, type: HistoryType, user: string): Promise<RunRecord> {
    const destination = this.deps.access.destination();
    if (!destination) throw new NoDestinationError();
    const directory = await this.deps.access.directory();
    const run = await this.deps.syncs.startRun(sync.id);
    await this.setStatus(sync.id, 'Running');
    await this.history(sync.id, type, `run started ${run.startedAt}`, user);
    const controller = new AbortController();
    const pool = new WorkerPool(sync.threads);
    const live = new Map<string, AccountRunRecord>();
    const done = (async (): Promise<RunOutcome> => {
      this.notify({ kind: 'run-start', sync, run, accounts: [] });
      const accounts = await executeRun(
        sync,
        run,
        destination,
        directory,
        {
          state: this.deps.state,
          saveAccountRun: (record) => this.deps.syncs.saveAccountRun(record),
          openSession: this.deps.openSession,
          resources: this.deps.resources,
        },
        {
          pool,
          locks: this.locks,
          signal: controller.signal,
          onEvent: (event) => this.emit('event', { type: 'account', syncId: sync.id, event } satisfies ManagerEvent),
          onAccountDone: (record) => {
            if (record.status === 'failed') this.notify({ kind: 'account-failed', sync, run, accounts: [record] });
          },
        },
        live,
      );
      return this.finish(sync, run, accounts, controller.signal, user);
    })();
    const active: ActiveRun = { sync, run, controller, pool, live, done };
    this.active.set(sync.id, active);
    done
      .catch(async (error: unknown) => {
        // The run itself broke (e.g. the store failed): say so and leave it restartable.
        await this.deps.syncs.finishRun(run.id, 'Interrupted', false).catch(() => undefined);
        await this.setStatus(sync.id, 'Interrupted').catch(() => undefined);
        await this.history(sync.id, 'Sync - Interrupted', error instanceof Error ? error.message : String(error)).catch(
          () => undefined,
        );
      })
      .finally(() => this.active.delete(sync.id));
    return run;
  }

  private async finish(
    sync: SyncRecord,
    run: RunRecord,
    accounts: AccountRunRecord[],
    signal: AbortSignal,
    user: string,
  ): Promise<RunOutcome> {
    const reason = signal.aborted ? (signal.reason as AbortReason) : undefined;
    if (reason === 'pause' || reason === 'stop') {
      const status: SyncStatus = reason === 'pause' ? 'Paused' : 'Stopped';
      await this.deps.syncs.finishRun(run.id, status, false);
      await this.setStatus(sync.id, status);
      if (reason === 'stop') this.notify({ kind: 'sync-stopped', sync, run: { ...run, status }, accounts, user });
      return { run: { ...run, status }, status, accounts };
    }
    if (reason === 'shutdown') {
      await this.deps.syncs.finishRun(run.id, 'Paused', false);
      await this.setStatus(sync.id, 'Scheduled', new Date().toISOString());
      await this.history(
        sync.id,
        'Sync - System Pause',
        'the process is ending; the sync continues when imap-migrate runs again',
      );
      return { run: { ...run, status: 'Paused' }, status: 'Scheduled', accounts };
    }
    const status = finishedStatus(
      accounts.map((a) => ({ status: a.status === 'interrupted' ? 'failed' : a.status, counters: a.counters })),
    );
    const completedAt = new Date().toISOString();
    await this.deps.syncs.finishRun(run.id, status, true);
    const failed = accounts.filter((a) => a.status !== 'complete' || a.counters.errors > 0).length;
    await this.history(
      sync.id,
      status === 'Complete' ? 'Sync - Complete' : 'Sync - Complete with errors',
      `${accounts.length - failed} of ${accounts.length} accounts without error`,
    );
    const finishedRun = { ...run, status, completedAt };
    this.notify({ kind: 'run-end', sync, run: finishedRun, accounts });
    const current = await this.deps.syncs.get(sync.id);
    const next = nextLoopPass(current, run, new Date());
    if (next) await this.setStatus(sync.id, 'Scheduled', next);
    else await this.setStatus(sync.id, status);
    return { run: finishedRun, status, accounts };
  }
}

/** When the next pass of a looping sync is due, or undefined when the loop is over. */
export function nextLoopPass(
  sync: Pick<SyncRecord, 'loopUntil' | 'loopIntervalMs'>,
  run: Pick<RunRecord, 'startedAt'>,
  now: Date,
): string | undefined {
  if (!sync.loopUntil) return undefined;
  const next = Math.max(now.getTime(), Date.parse(run.startedAt) + sync.loopIntervalMs);
  return next < Date.parse(sync.loopUntil) ? new Date(next).toISOString() : undefined;
}
