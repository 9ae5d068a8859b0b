// The end of a run (docs/spec.md D2, S1, N1): paused, stopped, paused by the process ending,
// or finished, and what its sync does next (its status, a loop's next pass, notifications).
import type { SyncNotification, SyncRepositoryPort, RunOutcome } from './managerTypes.ts';
import { nextLoopPass } from './runContinuation.ts';
import {
  finishedStatus,
  type AccountRunRecord,
  type HistoryType,
  type RunRecord,
  type SyncRecord,
  type SyncStatus,
} from './syncModel.ts';

/** Why a run was aborted: the signal's reason. "shutdown" is the process ending (system pause). */
export type AbortReason = 'pause' | 'stop' | 'shutdown';

export interface RunEndContext {
  syncs: SyncRepositoryPort;
  setStatus(syncId: string, status: SyncStatus, nextRunAt?: string): Promise<void>;
  history(syncId: string, type: HistoryType, note: string): Promise<void>;
  notify(notification: SyncNotification): void;
}

export async function endRun(
  ctx: RunEndContext,
  sync: SyncRecord,
  run: RunRecord,
  accounts: AccountRunRecord[],
  signal: AbortSignal,
  user: string,
): Promise<RunOutcome> {
  const reason = signal.aborted ? (signal.reason as AbortReason) : undefined;
  if (reason === 'pause' || reason === 'stop') {
    const status: SyncStatus = reason === 'pause' ? 'Paused' : 'Stopped';
    await ctx.syncs.finishRun(run.id, status, false);
    await ctx.setStatus(sync.id, status);
    if (reason === 'stop') ctx.notify({ kind: 'sync-stopped', sync, run: { ...run, status }, accounts, user });
    return { run: { ...run, status }, status, accounts };
  }
  if (reason === 'shutdown') {
    await ctx.syncs.finishRun(run.id, 'Paused', false);
    await ctx.setStatus(sync.id, 'Scheduled', new Date().toISOString());
    await ctx.history(
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
  await ctx.syncs.finishRun(run.id, status, true);
  const failed = accounts.filter((a) => a.status !== 'complete' || a.counters.errors > 0).length;
  await ctx.history(
    sync.id,
    status === 'Complete' ? 'Sync - Complete' : 'Sync - Complete with errors',
    `${accounts.length - failed} of ${accounts.length} accounts without error`,
  );
  const finishedRun = { ...run, status, completedAt };
  ctx.notify({ kind: 'run-end', sync, run: finishedRun, accounts });
  const current = await ctx.syncs.get(sync.id);
  const next = nextLoopPass(current, run, new Date());
  if (next) await ctx.setStatus(sync.id, 'Scheduled', next);
  else await ctx.setStatus(sync.id, status);
  return { run: finishedRun, status, accounts };
}
