// The account table's rows: stored records of a run with the live counters of this process
// laid over them, sorted by a chosen column. Presentation only.
import type { AccountRunRecord, LiveRun } from './backend.ts';

/** Records of `runId`, with the live process's fresher copies where it runs that run. */
export function mergeLive(stored: AccountRunRecord[], live: LiveRun[], runId: string | undefined): AccountRunRecord[] {
  const current = live.find((l) => l.run.id === runId);
  if (!current) return stored;
  const byAccount = new Map(stored.map((r) => [r.account, r]));
  for (const record of current.accounts) byAccount.set(record.account, record);
  return [...byAccount.values()];
}

export type SortField =
  | 'user'
  | 'messages'
  | 'downloaded'
  | 'duplicates'
  | 'foldersCreated'
  | 'foldersDeleted'
  | 'flags'
  | 'errors'
  | 'status'
  | 'complete';

export interface SortKey {
  field: SortField;
  descending: boolean;
}

export function sortValue(record: AccountRunRecord, field: SortField): string | number {
  const c = record.counters;
  switch (field) {
    case 'user':
      return record.account;
    case 'messages':
      return c.messages;
    case 'downloaded':
      return c.downloaded;
    case 'duplicates':
      return c.duplicatesDeleted;
    case 'foldersCreated':
      return c.foldersCreated;
    case 'foldersDeleted':
      return c.foldersDeleted;
    case 'flags':
      return c.flagsChanged;
    case 'errors':
      return c.errors;
    case 'status':
      return record.status;
    case 'complete':
      return record.completedAt ?? '';
  }
}

export function sortAccounts(records: AccountRunRecord[], sort: SortKey): AccountRunRecord[] {
  const direction = sort.descending ? -1 : 1;
  return [...records].sort((a, b) => {
    const x = sortValue(a, sort.field);
    const y = sortValue(b, sort.field);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order * direction || a.account.localeCompare(b.account);
  });
}

/** Pending | Complete | Total, where complete is any account that has ended (done or failed). */
export function progressOf(records: AccountRunRecord[], total: number) {
  const complete = records.filter((r) => r.status === 'complete' || r.status === 'failed').length;
  const all = Math.max(total, records.length);
  return { pending: all - complete, complete, total: all, percent: all === 0 ? 0 : Math.floor((complete * 100) / all) };
}
