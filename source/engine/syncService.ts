// The engine facade the CLI and the dashboard drive: run a sync now (one run: every selected
// account through the worker pool), with results persisted as they come.
import type { OpenOptions } from '../imap/connection.ts';
import type { ImapSession } from '../imap/session.ts';
import { runAccounts } from './runAccounts.ts';
import type { CopyStateStore } from './ports.ts';
import {
  buildJobs,
  finishedStatus,
  type AccountRunRecord,
  type DestinationAccess,
  type DirectoryAccount,
  type RunRecord,
  type SyncRecord,
  type SyncSettings,
  type SyncStatus,
} from './syncModel.ts';
import { zeroCounters, type AccountEvent, type AccountResult, type SideAccess } from './types.ts';
import { WorkerPool } from './workerPool.ts';

/** Where syncs, runs and per-account results live (the store implements it). */
export interface SyncRepositoryPort {
  get(id: string): Promise<SyncRecord>;
  create(settings: SyncSettings, status: SyncStatus): Promise<SyncRecord>;
  setStatus(id: string, status: SyncStatus): Promise<void>;
  startRun(syncId: string): Promise<RunRecord>;
  finishRun(runId: string, status: SyncStatus, completed: boolean): Promise<void>;
  saveAccountRun(record: AccountRunRecord): Promise<void>;
}

export interface AccessPort {
  /** The destination server and admin login (Settings); undefined when not set. */
  destination(): DestinationAccess | undefined;
  /** The account directory, by lowercased email, with passwords. */
  directory(): Promise<Map<string, DirectoryAccount>>;
}

export interface SyncServiceDeps {
  syncs: SyncRepositoryPort;
  state: CopyStateStore;
  access: AccessPort;
  openSession?: (side: 'source' | 'destination', access: SideAccess, options: OpenOptions) => Promise<ImapSession>;
}

export interface RunOutcome {
  run: RunRecord;
  status: SyncStatus;
  results: AccountResult[];
}

export class NoDestinationError extends Error {
  constructor() {
    super('no destination server set; run `imap-migrate destination set --host ...` first');
  }
}

/** How often running counters are written to the store: a checkpoint, not per message. */
const SAVE_INTERVAL_MS = 1000;

export class SyncService {
  constructor(private readonly deps: SyncServiceDeps) {}

  /** Runs the sync once, in this process, until every account is done (or the signal aborts). */
  async runOnce(syncId: string, options: { signal?: AbortSignal; onEvent?: (event: AccountEvent) => void } = {}): Promise<RunOutcome> {
    const { syncs } = this.deps;
    const sync = await syncs.get(syncId);
    const destination = this.deps.access.destination();
    if (!destination) throw new NoDestinationError();
    const { jobs, refused } = buildJobs(sync, destination, await this.deps.access.directory());
    const run = await syncs.startRun(sync.id);
    await syncs.setStatus(sync.id, 'Running');

    const base = (account: string): AccountRunRecord => ({
      runId: run.id,
      syncId: sync.id,
      account,
      status: 'pending',
      planned: sync.dryRun,
      counters: zeroCounters(),
      errors: [],
      log: [],
    });
    const live = new Map<string, AccountRunRecord>(jobs.map((job) => [job.account, base(job.account)]));
    const refusedResults: AccountResult[] = [];
    for (const { account, reason } of refused) {
      const at = new Date().toISOString();
      const record: AccountRunRecord = {
        ...base(account),
        status: 'failed',
        counters: { ...zeroCounters(), errors: 1 },
        errors: [{ at, code: 'NO_CREDENTIALS', detail: reason }],
        startedAt: at,
        completedAt: at,
      };
      await syncs.saveAccountRun(record);
      refusedResults.push({ ...record, startedAt: at });
    }
    for (const record of live.values()) await syncs.saveAccountRun(record);

    const lastSave = new Map<string, number>();
    const save = async (account: string) => {
      const record = live.get(account);
      if (!record) return;
      lastSave.set(account, Date.now());
      await syncs.saveAccountRun({ ...record, counters: { ...record.counters } });
    };
    const onEvent = (event: AccountEvent) => {
      options.onEvent?.(event);
      const record = live.get(event.account);
      if (!record) return;
      if (event.type === 'counters') record.counters = event.counters;
      else if (event.type === 'log') record.log.push(event.line);
      else if (event.type === 'error') record.errors.push(event.line);
      else record.status = event.status;
      // A failed intermediate save is not fatal: the final save reports store errors.
      if (Date.now() - (lastSave.get(event.account) ?? 0) > SAVE_INTERVAL_MS) save(event.account).catch(() => undefined);
    };

    const results = await runAccounts(jobs, {
      pool: new WorkerPool(sync.threads),
      state: this.deps.state,
      signal: options.signal,
      openSession: this.deps.openSession,
      observer: {
        onEvent,
        onAccountStart: async (account) => {
          const record = live.get(account)!;
          record.status = 'running';
          record.startedAt = new Date().toISOString();
          await save(account);
        },
        onAccountDone: async (result) => {
          const record = live.get(result.account)!;
          Object.assign(record, {
            status: result.status,
            counters: result.counters,
            errors: result.errors,
            log: result.log,
            completedAt: result.completedAt,
          });
          await save(result.account);
        },
      },
    });
    const all = [...refusedResults, ...results];
    const aborted = options.signal?.aborted;
    const status: SyncStatus = aborted ? (options.signal?.reason === 'stop' ? 'Stopped' : 'Paused') : finishedStatus(all);
    await syncs.finishRun(run.id, status, !aborted);
    await syncs.setStatus(sync.id, status);
    return { run: { ...run, status }, status, results: all };
  }
}
