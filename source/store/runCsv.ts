// The CSV of a run's per-account table, for the migration report (docs/spec.md D6): the
// columns of the screen plus the errors in words; times in local time with the UTC offset
// (ISO 8601), as the screen shows them in local time (issue 17.17).
import type { AccountRunRecord } from '../engine/syncModel.ts';
import { formatCsv } from './csv.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-04T17:05:00+01:00`: the local time of `iso` with its UTC offset; '' when unknown. */
export function localIsoWithOffset(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${zone}`
  );
}

export const RUN_CSV_HEADER = [
  'User',
  'Status',
  'Msgs',
  'Msgs DL',
  'Messages Deleted',
  'Duplicates Deleted',
  'Folders Created',
  'Folders Deleted',
  'Flags Changed',
  'Errors',
  'Complete Time',
  'Error Text',
];

export function runCsv(records: AccountRunRecord[]): string {
  const rows = records.map((r) => [
    r.account,
    r.status,
    ...[
      r.counters.messages,
      r.counters.downloaded,
      r.counters.messagesDeleted,
      r.counters.duplicatesDeleted,
      r.counters.foldersCreated,
      r.counters.foldersDeleted,
      r.counters.flagsChanged,
      r.counters.errors,
    ].map(String),
    localIsoWithOffset(r.completedAt),
    r.errors.map((e) => `${localIsoWithOffset(e.at)} ${e.code}: ${e.detail}`).join('\n'),
  ]);
  return formatCsv([RUN_CSV_HEADER, ...rows]);
}
