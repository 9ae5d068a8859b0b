// Plain-text helpers of the notification mails: one-line values, local times, durations, and
// the HTML wrapping. Pure: no I/O, no clock.
import { replaceControlCharacters } from '../shared/text.ts';
import { formatTime, formatTimeZoned, validDate } from '../shared/time.ts';

export { formatTime, formatTimeZoned };

export function statusLabel(status: string): string {
  const text = oneLine(status);
  return text.length === 0 ? '-' : text[0].toUpperCase() + text.slice(1);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Control characters (CR/LF above all: header injection) become spaces. */
export function oneLine(value: unknown): string {
  return replaceControlCharacters(String(value ?? ''), ' ').trim();
}

export function duration(from: string | undefined, to: string | undefined): string {
  const start = validDate(from);
  const end = validDate(to);
  if (!start || !end || end < start) return '-';
  let seconds = Math.round((end.getTime() - start.getTime()) / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${seconds} s`;
  return `${seconds} s`;
}

// HTML: the same text in <pre>, so the table stays aligned in any client.
export function htmlOf(text: string): string {
  return [
    '<!doctype html>',
    '<html><body>',
    `<pre style="font-family: Menlo, Consolas, 'DejaVu Sans Mono', monospace; font-size: 13px;">${escapeHtml(text)}</pre>`,
    '</body></html>',
  ].join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
