// The engine facade the CLI, the headless scheduler and the dashboard drive (docs/spec.md D2–D5,
// L2, S1, N1): syncs and their runs in this process, the controls valid in each status
// (source/engine/controls.ts), history entries, live thread changes, scheduling and loops,
// recovery after a crash.
import { EventEmitter } from 'node:events';
import { KeyedQueue } from './keyedQueue.ts';
import { checkLogins } from './authCheck.ts';
import { controlsFor, refusal, type Control, type ControlTable } from './controls.ts';
import {
  ControlError,
  type AuthCheck,
  type LiveRun,
  type ManagerEvent,
  type RunOutcome,
  type SyncManagerDeps,
} from './managerTypes.ts';
import { NotificationQueue } from './notificationQueue.ts';
import { continuedRecord, finishedAccounts } from './runContinuation.ts';
import { endRun, type AbortReason, type RunEndContext } from './runEnd.ts';
import { executeRun, NoDestinationError } from './runExecution.ts';
import {
  type AccountRunRecord,
  type HistoryType,
  type RunRecord,
  type SyncRecord,
  type SyncSettings,
  type SyncStatus,
} from './syncModel.ts';
import { WorkerPool } from './workerPool.ts';

export * from './managerTypes.ts';

interface ActiveRun {
  sync: SyncRecord;
  run: RunRecord;
  controller: AbortController;
  pool: WorkerPool;
  live: Map<string, AccountRunRecord>;
  /** The run's accounts as they were when it resumed (empty for a new run). */
  before: Map<string, AccountRunRecord>;
  done: Promise<RunOutcome>;
}

export class SyncManager extends EventEmitter {
  private readonly active = new Map<string, ActiveRun>();
  private readonly locks = new KeyedQueue();
  private readonly notifications: NotificationQueue;
  private readonly threadChanges = new Map<string, { from: number; at: number; user: string }>();
  private readonly runEnd: RunEndContext;

  constructor(private readonly deps: SyncManagerDeps) {
    super();
    this.notifications = new NotificationQueue(deps.notifier, (syncId, type, note) => this.history(syncId, type, note));
    this.runEnd = {
      syncs: deps.syncs,
      setStatus: (syncId, status, nextRunAt) => this.setStatus(syncId, status, nextRunAt),
      history: (syncId, type, note) => this.history(syncId, type, note),
      notify: (notification) => this.notifications.send(notification),
    };
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

  /** The running syncs of this process with every account's latest counters for the whole run. */
  liveRuns(): LiveRun[] {
    return [...this.active.values()].map((active) => ({
      syncId: active.sync.id,
      run: active.run,
      threads: active.pool.size,
      accounts: this.runAccounts(active),
    }));
  }

  private runAccounts(active: Pick<ActiveRun, 'live' | 'before'>): AccountRunRecord[] {
    const accounts = new Map(active.before);
    for (const [account, record] of active.live) {
      accounts.set(
        account,
        continuedRecord(active.before.get(account), { ...record, counters: { ...record.counters } }),
      );
    }
    return [...accounts.values()];
  }

  /** The controls that act on the sync now (docs/spec.md D2). */
  async controls(id: string): Promise<ControlTable> {
    const sync = await this.deps.syncs.get(id);
    return controlsFor(sync.status, (await this.deps.syncs.runsOf(sync.id)).length > 0);
  }

  private async check(sync: SyncRecord, control: Control): Promise<RunRecord | undefined> {
    // Refused whatever the runs (a Manual sync never ran): said before the runs are read, so
    // that a refused control leaves the data dir as it was.
    const early = refusal(control, sync.status, sync.status !== 'Manual');
    if (early) throw new ControlError(`sync ${sync.id}: ${early}`);
    const [lastRun] = await this.deps.syncs.runsOf(sync.id);
    const refused = refusal(control, sync.status, lastRun !== undefined);
    if (refused) throw new ControlError(`sync ${sync.id}: ${refused}`);
    if (sync.status === 'Running' && !this.active.has(sync.id) && control !== 'stop')
      throw new ControlError(`sync ${sync.id} is running in another process; control it there`);
    return lastRun;
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

  /** Start (docs/spec.md D2): a manual, scheduled or stopped sync; a paused run goes on. */
  async start(id: string, user: string): Promise<RunRecord> {
    const sync = await this.deps.syncs.get(id);
    return this.continueOrStart(sync, await this.check(sync, sync.status === 'Paused' ? 'resume' : 'start'), user);
  }

  /** Resume: a paused run goes on, the same run (a sync paused before its start starts). */
  async resume(id: string, user: string): Promise<RunRecord> {
    const sync = await this.deps.syncs.get(id);
    return this.continueOrStart(sync, await this.check(sync, 'resume'), user);
  }

  private continueOrStart(sync: SyncRecord, lastRun: RunRecord | undefined, user: string): Promise<RunRecord> {
    const paused = lastRun?.status === 'Paused' ? lastRun : undefined;
    return this.launch(sync, paused ? 'Sync - User Resume' : 'Sync - User Start', user, paused);
  }

  /** Restart (docs/spec.md D2): a new run that continues where the last left off. */
  async restart(id: string, user: string): Promise<RunRecord> {
    const sync = await this.deps.syncs.get(id);
    await this.closePausedRun(await this.check(sync, 'restart'));
    return this.launch(sync, 'Sync - User Restart', user, undefined);
  }

  /** Start, resume or restart, whichever applies. */
  async startOrRestart(id: string, user: string): Promise<RunRecord> {
    const sync = await this.deps.syncs.get(id);
    const controls = controlsFor(sync.status, true);
    return controls.start.applies ? this.start(id, user) : this.restart(id, user);
  }

  /** A paused run that a new run replaces ends there, so that nothing resumes it later. */
  private async closePausedRun(run: RunRecord | undefined): Promise<void> {
    if (run?.status === 'Paused') await this.deps.syncs.finishRun(run.id, 'Stopped', false);
  }

  /**
   * Start, resume or restart from a process that does not run syncs itself (a CLI command while
   * no scheduler runs): the sync becomes due now and the next `imap-migrate run` or dashboard
   * starts it (a paused run goes on).
   */
  async queueStart(id: string, user: string, control: 'start' | 'restart'): Promise<SyncRecord> {
    const sync = await this.deps.syncs.get(id);
    const lastRun = await this.check(sync, control);
    const resuming = control === 'start' && sync.status === 'Paused' && lastRun?.status === 'Paused';
    if (control === 'restart') await this.closePausedRun(lastRun);
    await this.setStatus(sync.id, 'Scheduled', new Date().toISOString());
    const type = resuming ? 'Sync - User Resume' : control === 'start' ? 'Sync - User Start' : 'Sync - User Restart';
    await this.history(sync.id, type, 'queued: starts when `imap-migrate run` or the dashboard runs', user);
    return sync;
  }

  /** Pause (docs/spec.md D2): accounts stop at the next safe point. Resolves once they have. */
  async pause(id: string, user: string): Promise<SyncStatus> {
    const sync = await this.deps.syncs.get(id);
    await this.check(sync, 'pause');
    const active = this.active.get(sync.id);
    if (active) {
      await this.history(sync.id, 'Sync - User Pause', '', user);
      active.controller.abort('pause' satisfies AbortReason);
      return (await active.done).status;
    }
    await this.setStatus(sync.id, 'Paused');
    await this.history(sync.id, 'Sync - User Pause', 'before its start', user);
    return 'Paused';
  }

  /** Stop (docs/spec.md D2). Resolves once every account has stopped. */
  async stop(id: string, user: string): Promise<SyncStatus> {
    const sync = await this.deps.syncs.get(id);
    const lastRun = await this.check(sync, 'stop');
    const active = this.active.get(sync.id);
    if (active) {
      await this.history(sync.id, 'Sync - User Stop', '', user);
      active.controller.abort('stop' satisfies AbortReason);
      return (await active.done).status;
    }
    await this.closePausedRun(lastRun);
    await this.setStatus(sync.id, 'Stopped');
    await this.history(sync.id, 'Sync - User Stop', '', user);
    return 'Stopped';
  }

  /**
   * Threads (docs/spec.md D3): takes effect at once, without stopping accounts in progress.
   * Changes by one person in quick succession make one history entry ("3 to 6").
   */
  async setThreads(id: string, threads: number, user: string): Promise<void> {
    const sync = await this.deps.syncs.get(id);
    if (threads === sync.threads) return;
    await this.deps.syncs.update(sync.id, { threads });
    this.active.get(sync.id)?.pool.setLimit(threads);
    const now = Date.now();
    const last = this.threadChanges.get(sync.id);
    const window = this.deps.threadsCoalesceMs ?? 5000;
    if (last && last.user === user && now - last.at <= window) {
      this.threadChanges.set(sync.id, { ...last, at: now });
      const note = `${last.from} to ${threads}`;
      return this.deps.syncs.updateLatestHistory(sync.id, 'Threads Changed', { at: new Date(now).toISOString(), note });
    }
    this.threadChanges.set(sync.id, { from: sync.threads, at: now, user });
    await this.history(sync.id, 'Threads Changed', `${sync.threads} to ${threads}`, user);
  }

  async addNote(id: string, text: string, user: string): Promise<void> {
    const sync = await this.deps.syncs.get(id);
    await this.history(sync.id, 'Note', text, user);
  }

  /**
   * Starts every Scheduled sync that is due (docs/spec.md S1); a run paused by the end of a
   * process, or queued for resume, goes on. Returns the ids started and when the next is due.
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
        const [lastRun] = await this.deps.syncs.runsOf(sync.id);
        const paused = lastRun?.status === 'Paused' ? lastRun : undefined;
        await this.launch(sync, paused ? 'Sync - System Resume' : 'Sync - System Start', '', paused);
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
   * to Scheduled, so the next `imap-migrate run` or dashboard resumes it.
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
    return checkLogins(this.deps.access, sync, concurrency);
  }

  /** Resolves once every notification so far is sent (or failed) and in the history. */
  idle = (): Promise<void> => this.notifications.idle();

  /** Runs the sync: a new run, or the paused run `resumed` going on. */
  private async launch(
    sync: SyncRecord,
    type: HistoryType,
    user: string,
    resumed: RunRecord | undefined,
  ): Promise<RunRecord> {
    const destination = this.deps.access.destination();
    if (!destination) throw new NoDestinationError();
    const directory = await this.deps.access.directory();
    const run = resumed ? await this.deps.syncs.resumeRun(resumed.id) : await this.deps.syncs.startRun(sync.id);
    const before = new Map(
      resumed ? (await this.deps.syncs.accountRunsOf(run.id)).map((record) => [record.account, record]) : [],
    );
    const finished = finishedAccounts([...before.values()]);
    await this.setStatus(sync.id, 'Running');
    await this.history(
      sync.id,
      type,
      resumed ? `run of ${run.startedAt} goes on` : `run started ${run.startedAt}`,
      user,
    );
    const controller = new AbortController();
    const pool = new WorkerPool(sync.threads);
    const live = new Map<string, AccountRunRecord>();
    const done = (async (): Promise<RunOutcome> => {
      if (!resumed) this.notifications.send({ kind: 'run-start', sync, run, accounts: [] });
      await executeRun(
        { ...sync, accounts: sync.accounts.filter((account) => !finished.has(account.email)) },
        run,
        destination,
        directory,
        {
          state: this.deps.state,
          saveAccountRun: (record) =>
            this.deps.syncs.saveAccountRun(continuedRecord(before.get(record.account), record)),
          openSession: this.deps.openSession,
          resources: this.deps.resources,
        },
        {
          pool,
          locks: this.locks,
          signal: controller.signal,
          onEvent: (event) => this.emit('event', { type: 'account', syncId: sync.id, event } satisfies ManagerEvent),
          onAccountDone: (record) => {
            if (record.status === 'failed')
              this.notifications.send({ kind: 'account-failed', sync, run, accounts: [record] });
          },
        },
        live,
      );
      return endRun(this.runEnd, sync, run, this.runAccounts({ live, before }), controller.signal, user);
    })();
    this.active.set(sync.id, { sync, run, controller, pool, live, before, done });
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
}
