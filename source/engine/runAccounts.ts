// Runs the accounts of one run through the worker pool; one failing account never stops
// the others (SPEC E6). Progress reaches the observer as events, for the store and the UI.
import { syncAccount, type AccountSyncDeps } from './accountSync.ts';
import { WorkerPool } from './workerPool.ts';
import { zeroCounters, type AccountEvent, type AccountResult, type AccountSyncJob } from './types.ts';

export interface RunObserver {
  onEvent?(event: AccountEvent): void;
  onAccountStart?(account: string): Promise<void> | void;
  onAccountDone?(result: AccountResult): Promise<void> | void;
}

export interface RunAccountsOptions extends Omit<AccountSyncDeps, 'emit'> {
  pool: WorkerPool;
  observer?: RunObserver;
}

function notStarted(job: AccountSyncJob, status: 'paused' | 'stopped'): AccountResult {
  return {
    account: job.account,
    status,
    planned: job.options.dryRun,
    counters: zeroCounters(),
    errors: [],
    log: [],
    startedAt: new Date().toISOString(),
  };
}

export async function runAccounts(jobs: AccountSyncJob[], options: RunAccountsOptions): Promise<AccountResult[]> {
  const { pool, observer, ...deps } = options;
  return Promise.all(
    jobs.map((job) =>
      pool.run(async () => {
        if (deps.signal?.aborted) return notStarted(job, deps.signal.reason === 'stop' ? 'stopped' : 'paused');
        await observer?.onAccountStart?.(job.account);
        const result = await syncAccount(job, { ...deps, emit: (event) => observer?.onEvent?.(event) });
        await observer?.onAccountDone?.(result);
        return result;
      }),
    ),
  );
}
