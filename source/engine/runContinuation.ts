// A paused run that goes on (docs/spec.md D2): each account's counters, errors and log of the
// run so far, plus those of the part after the resume; and when a loop's next pass is due.
import type { AccountRunRecord, RunRecord, SyncRecord } from './syncModel.ts';
import type { Counters } from './types.ts';

/** The account's record for the whole run: `before` the resume, then `after` it. */
export function continuedRecord(before: AccountRunRecord | undefined, after: AccountRunRecord): AccountRunRecord {
  if (!before) return after;
  const counters: Counters = { ...after.counters };
  for (const key of Object.keys(counters) as (keyof Counters)[]) counters[key] += before.counters[key];
  // The source's message count is a size, not a tally: the latest listing says it.
  counters.messages = after.counters.messages || before.counters.messages;
  return {
    ...after,
    counters,
    errors: [...before.errors, ...after.errors],
    log: [...before.log, ...after.log],
    startedAt: before.startedAt ?? after.startedAt,
  };
}

/** Accounts a paused run already finished: not run again when it resumes. */
export function finishedAccounts(records: AccountRunRecord[]): Set<string> {
  return new Set(records.filter((record) => record.status === 'complete').map((record) => record.account));
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
