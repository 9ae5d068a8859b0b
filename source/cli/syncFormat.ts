// How syncs, runs and per-account results are shown on the command line.
import type { AccountRunRecord, HistoryEntry, SyncRecord } from '../engine/syncModel.ts';
import type { Counters } from '../engine/types.ts';
import { formatTable } from './output.ts';

import { formatTime } from '../shared/time.ts';

export { formatTime };

/** A sync's connections per user on each server (a sync made before the setting: the default). */
export { connectionsOf } from '../shared/fields.ts';
import { connectionsOf } from '../shared/fields.ts';

/** A sync as shown to people and scripts: no password, only whether one is set; defaults filled in. */
export function publicSync(sync: SyncRecord) {
  return {
    ...sync,
    connections: connectionsOf(sync),
    sourceAdmin: sync.sourceAdmin ? { user: sync.sourceAdmin.user, hasPassword: true } : undefined,
    accounts: sync.accounts.map(({ remotePassword, ...account }) => ({
      ...account,
      hasRemotePassword: Boolean(remotePassword),
    })),
  };
}

export const ACCOUNT_TABLE_HEADER = [
  'User',
  'Status',
  'Msgs',
  'Msgs DL',
  'Deleted',
  'Duplicates -',
  'Folders +',
  'Folders -',
  'Flags',
  'Errors',
  'Complete Time',
];

function accountRow(account: string, status: string, counters: Counters, completedAt?: string): (string | number)[] {
  return [
    account,
    status,
    counters.messages,
    counters.downloaded,
    counters.messagesDeleted,
    counters.duplicatesDeleted,
    counters.foldersCreated,
    counters.foldersDeleted,
    counters.flagsChanged,
    counters.errors,
    formatTime(completedAt),
  ];
}

export function accountTable(
  records: Pick<AccountRunRecord, 'account' | 'status' | 'counters' | 'completedAt'>[],
): string {
  return formatTable(
    ACCOUNT_TABLE_HEADER,
    records.map((r) => accountRow(r.account, r.status, r.counters, r.completedAt)),
  );
}

export function historyTable(entries: HistoryEntry[]): string {
  return formatTable(
    ['Date', 'Type', 'Note', 'User'],
    entries.map((e) => [formatTime(e.at), e.type, e.note, e.user]),
  );
}
