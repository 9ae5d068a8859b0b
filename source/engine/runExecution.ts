// One run of a sync: every selected account through the worker pool, with the per-account
// results persisted as they come (checkpoints, not per message).
import type { OpenOptions } from '../imap/connection.ts';
import type { ImapSession } from '../imap/session.ts';
import type { CopyStateStore } from './ports.ts';
import { runAccounts } from './runAccounts.ts';
import {
  buildJobs,
  type AccountRunRecord,
  type DestinationAccess,
  type DirectoryAccount,
  type RunRecord,
  type SyncRecord,
} from './syncModel.ts';
import { zeroCounters, type AccountEvent, type AccountResult, type SideAccess } from './types.ts';
import type { EngineResources } from './engineResources.ts';
import type { KeyedQueue } from './keyedQueue.ts';
import type { WorkerPool } from './workerPool.ts';

export interface AccessPort {
  /** The destination server and admin login (Settings); undefined when not set. */
  destination(): DestinationAccess | undefined;
  /** The account directory, by lowercased email, with passwords. */
  directory(): Promise<Map<string, DirectoryAccount>>;
}

export type OpenSession = (
  side: 'source' | 'destination',
  access: SideAccess,
  options: OpenOptions,
) => Promise<ImapSession>;

export interface RunExecutionDeps {
  state: CopyStateStore;
  saveAccountRun(record: AccountRunRecord): Promise<void>;
  openSession?: OpenSession;
  /** The byte budget and lane permits of the process (fresh ones for this run when absent). */
  resources?: EngineResources;
}

export class NoDestinationError extends Error {
  constructor() {
    super('no destination server set; run `imap-migrate destination set --host ...` first');
  }
}

/** How often running counters are written to the store. */
const SAVE_INTERVAL_MS = 1000;

export interface RunExecutionOptions {
  pool: WorkerPool;
  locks?: KeyedQueue;
  signal: AbortSignal;
  onEvent?: (event: AccountEvent) => void;
  onAccountDone?: (record: AccountRunRecord) => void;
}

/**
 * Runs every account of the sync once. Accounts that cannot start (no password, not in
 * the directory) fail at once with NO_CREDENTIALS; the others run through the pool.
 * `live` holds every account's latest record, for snapshots.
 */
export async function executeRun(
  sync: SyncRecord,
  run: RunRecord,
  destination: DestinationAccess,
  directory: Map<string, DirectoryAccount>,
  deps: RunExecutionDeps,
  options: RunExecutionOptions,
  live: Map<string, AccountRunRecord>,
): Promise<AccountRunRecord[]> {
  const { jobs, refused } = buildJobs(sync, destination, directory);
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
    live.set(account, record);
    await deps.saveAccountRun(record);
    options.onAccountDone?.(record);
  }
  for (const job of jobs) {
    live.set(job.account, base(job.account));
    await deps.saveAccountRun(live.get(job.account)!);
  }

  const lastSave = new Map<string, number>();
  const save = async (account: string) => {
    const record = live.get(account);
    if (!record) return;
    lastSave.set(account, Date.now());
    await deps.saveAccountRun({ ...record, counters: { ...record.counters } });
  };
  const onEvent = (event: AccountEvent) => {
    const record = live.get(event.account);
    if (record) {
      if (event.type === 'counters') record.counters = event.counters;
      else if (event.type === 'log') record.log.push(event.line);
      else if (event.type === 'error') record.errors.push(event.line);
      else record.status = event.status;
      // A failed intermediate save is not fatal: the final save reports store errors.
      if (Date.now() - (lastSave.get(event.account) ?? 0) > SAVE_INTERVAL_MS)
        save(event.account).catch(() => undefined);
    }
    options.onEvent?.(event);
  };

  await runAccounts(jobs, {
    pool: options.pool,
    locks: options.locks,
    state: deps.state,
    signal: options.signal,
    openSession: deps.openSession,
    resources: deps.resources,
    observer: {
      onEvent,
      onAccountStart: async (account) => {
        const record = live.get(account)!;
        record.status = 'running';
        record.startedAt = new Date().toISOString();
        await save(account);
      },
      onAccountDone: async (result: AccountResult) => {
        const record = live.get(result.account)!;
        Object.assign(record, {
          status: result.status,
          counters: result.counters,
          errors: result.errors,
          log: result.log,
          completedAt: result.completedAt,
        });
        await save(result.account);
        options.onAccountDone?.(record);
      },
    },
  });
  // Accounts never started because the run was paused or stopped keep "pending" in the
  // store; the returned records say what happened to them.
  return [...live.values()].map((record) =>
    record.status === 'pending' && options.signal.aborted
      ? { ...record, status: options.signal.reason === 'stop' ? 'stopped' : 'paused' }
      : record,
  );
}
