// Local times as the screens, the CLI's tables and the mails show them: one format everywhere.

const pad = (n: number) => String(n).padStart(2, '0');

/** The date of an ISO string; undefined when absent or not a date. */
export function validDate(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Local time, `YYYY-MM-DD HH:MM:SS`; `-` when unknown or not a date. */
export function formatTime(iso: string | undefined): string {
  const date = validDate(iso);
  if (!date) return '-';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Local time with its UTC offset, e.g. `2026-11-30 06:53:29 +01:00`. */
export function formatTimeZoned(iso: string | undefined): string {
  const date = validDate(iso);
  if (!date) return '-';
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${formatTime(iso)} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
