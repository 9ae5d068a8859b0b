// How times, durations, modes and rates read on screen.
import type { RunRecord, SyncRecord } from './backend.ts';

const pad = (n: number) => String(n).padStart(2, '0');

export { formatTime } from '../shared/time.ts';

/** 11-30 09:02 (local time): for narrow table cells. */
export function formatShortTime(iso: string | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** 00:10:08; days beyond 99 hours are still hours. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

export const MODE_NAMES: Record<SyncRecord['mode'], string> = {
  all: 'SyncAll',
  'flags-new': 'SyncFlagNew',
  new: 'SyncNew',
};

export const TLS_NAMES: Record<SyncRecord['source']['tls'], string> = { none: 'No', starttls: 'STARTTLS', tls: 'TLS' };

export const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

export function formatRate(perSecond: number | undefined, digits = 1): string {
  if (perSecond === undefined || !Number.isFinite(perSecond)) return '-';
  return perSecond.toFixed(digits);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  // Three significant digits at most, so a rate keeps its width.
  const digits = (n: number) => (n >= 100 ? 0 : 1);
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(digits(bytes / 1024))} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(digits(bytes / 1024 ** 2))} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** A file-name-safe local timestamp: 20261130-090001. */
export function fileStamp(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/**
 * A run's running time: to its end, its pause, or `now` while it runs, less the time it spent
 * paused before a resume (docs/spec.md D1, D2). Undefined for a run with no known end (interrupted).
 */
export function runningTimeMs(run: RunRecord | undefined, running: boolean, now: number): number | undefined {
  if (!run) return undefined;
  const end = run.completedAt ?? run.pausedAt ?? (running ? new Date(now).toISOString() : undefined);
  if (!end) return undefined;
  return Math.max(0, Date.parse(end) - Date.parse(run.startedAt) - (run.pausedMs ?? 0));
}
