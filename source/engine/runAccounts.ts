// Runs the accounts of one run through the worker pool; one failing account never stops
// the others (docs/spec.md E6). Progress reaches the observer as events, for the store and the UI.
import { syncAccount, type AccountSyncDeps } from './accountSync.ts';
import { createEngineResources, type EngineResources } from './engineResources.ts';
import type { KeyedQueue } from './keyedQueue.ts';
import type { WorkerPool } from './workerPool.ts';
import type { AccountEvent, AccountResult, AccountSyncJob } from './types.ts';

export interface RunObserver {
  onEvent?(event: AccountEvent): void;
  onAccountStart?(account: string): Promise<void> | void;
  onAccountDone?(result: AccountResult): Promise<void> | void;
}

export interface RunAccountsOptions extends Omit<AccountSyncDeps, 'emit' | 'budget' | 'lanePermits'> {
  /** Shared by the accounts (and, from the composition root, by every run of the process). */
  resources?: EngineResources;
  pool: WorkerPool;
  observer?: RunObserver;
  /** Shared by every run of the process, so that one destination account has one writer. */
  locks?: KeyedQueue;
}

/**
 * Runs every job; an account whose turn comes after the signal aborted is not started (the
 * caller's records still say "pending" for it).
 */
export async function runAccounts(jobs: AccountSyncJob[], options: RunAccountsOptions): Promise<void> {
  const { pool, observer, locks, resources, ...deps } = options;
  const { budget, lanePermits } = resources ?? createEngineResources();
  const sync = async (job: AccountSyncJob) => {
    if (deps.signal?.aborted) return;
    await observer?.onAccountStart?.(job.account);
    const result = await syncAccount(job, {
      ...deps,
      budget,
      lanePermits,
      emit: (event) => observer?.onEvent?.(event),
    });
    await observer?.onAccountDone?.(result);
    return result;
  };
  await Promise.all(
    jobs.map((job) =>
      pool.run(() => {
        // A dry run writes nothing, so it need not wait for a writer.
        if (!locks || job.options.dryRun) return sync(job);
        const key = `${job.destination.endpoint.host}:${job.destination.endpoint.port}|${job.account.toLowerCase()}`;
        return locks.run(
          key,
          () => sync(job),
          () =>
            observer?.onEvent?.({
              type: 'log',
              account: job.account,
              line: { at: new Date().toISOString(), text: 'waiting: another sync is writing to this account' },
            }),
        );
      }),
    ),
  );
}
