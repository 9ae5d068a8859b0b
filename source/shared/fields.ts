// Parsing and checking of values a person types, shared by the CLI and the dashboard's forms
// (issue 12): each parser takes the field's name as the user sees it, `--port` on the command
// line and `Port` in a form, so the message reads right in both. Problems are UsageErrors.
import { UsageError } from '../errors.ts';
import { hasControlCharacter } from './text.ts';

const hasControl = (text: string) => hasControlCharacter(text, { c1: true });

/** A usage error; `showHelp` for the connection values (the CLI then prints the command's help). */
function usage(message: string, showHelp = true): UsageError {
  return new UsageError(message, [], showHelp ? { showHelp: true } : undefined);
}

/** The sync options' errors come without the help text (as before the move). */
const plain = (message: string) => usage(message, false);

function shown(value: unknown): string {
  return JSON.stringify(String(value)).slice(0, 60);
}

/** The TLS modes of a server endpoint. */
export const TLS_MODES = ['none', 'starttls', 'tls'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/** The IMAP port a TLS mode implies (993 for implicit TLS, else 143). */
export function defaultPort(tls: TlsMode): number {
  return tls === 'tls' ? 993 : 143;
}

/** The default connection budget per user and server (docs/spec.md section 9: server limits). */
export const DEFAULT_CONNECTIONS = 4;
export const MAX_CONNECTIONS = 50;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Why `email` is not a usable address, or undefined. Checks what matters for a login name. */
export function emailProblem(email: string): string | undefined {
  if (email.length === 0) return 'the email address is empty';
  if (email.length > 254) return 'the email address is longer than 254 characters';
  if (hasControl(email)) return 'the email address holds a control character';
  if (/\s/.test(email)) return `${JSON.stringify(email)} is not a valid email address (it holds a space)`;
  const at = email.split('@');
  if (at.length !== 2) return `${JSON.stringify(email)} is not a valid email address (it needs exactly one @)`;
  const [local, domain] = at;
  if (local.length === 0 || local.length > 64)
    return `${JSON.stringify(email)} is not a valid email address (bad part before the @)`;
  if (/["(),:;<>[\\\]]/.test(email))
    return `${JSON.stringify(email)} is not a valid email address (it holds one of "(),:;<>[\\])`;
  if (
    domain.length === 0 ||
    domain.startsWith('.') ||
    domain.endsWith('.') ||
    domain.includes('..') ||
    domain.startsWith('-')
  ) {
    return `${JSON.stringify(email)} is not a valid email address (bad domain)`;
  }
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return `${JSON.stringify(email)} is not a valid email address (bad dots before the @)`;
  }
  return undefined;
}

export function displayNameProblem(name: string): string | undefined {
  if (hasControl(name)) return 'the display name holds a control character';
  if (name.length > 200) return 'the display name is longer than 200 characters';
  return undefined;
}

/** A host name or IP address: non-empty, no spaces or control characters. */
export function parseHost(value: unknown, label: string, portLabel = 'Port'): string {
  const host = typeof value === 'string' ? value.trim() : '';
  if (host.length === 0) throw usage(`${label} needs a host name or IP address`);
  if (/\s/.test(host) || hasControlCharacter(host) || host.length > 253) {
    throw usage(`${label} must be a host name or IP address without spaces, not ${shown(value)}`);
  }
  if (/[/@]/.test(host) || /^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    throw usage(`${label} takes a bare host name or IP address (no scheme, path or user), not ${shown(value)}`);
  }
  if (/^[^:]+:\d+$/.test(host))
    throw usage(`${label} takes the host alone; give the port with ${portLabel} (${shown(value)})`);
  // [::1] is accepted and unwrapped; a bare IPv6 address is fine too.
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A TCP port: a whole number from 1 to 65535 (given as text so that "1.5" or "abc" is caught). */
export function parsePort(value: unknown, label: string): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw usage(`${label} must be a whole number from 1 to 65535, not ${shown(value ?? '')}`);
  }
  return Number(text);
}

export function parseTls(value: unknown, label: string): TlsMode {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!(TLS_MODES as readonly string[]).includes(text)) {
    throw usage(`${label} must be one of ${TLS_MODES.join(', ')}, not ${shown(value ?? '')}`);
  }
  return text as TlsMode;
}

/** An email address, lowercased. */
export function parseEmail(value: unknown, label: string): string {
  const email = normalizeEmail(typeof value === 'string' ? value : '');
  const problem = emailProblem(email);
  if (problem) throw usage(`${label}: ${problem}`);
  return email;
}

/** A login name (admin or SMTP user): non-empty, no control characters. */
export function parseUser(value: unknown, label: string): string {
  const user = typeof value === 'string' ? value.trim() : '';
  if (user.length === 0) throw usage(`${label} is empty`);
  if (hasControlCharacter(user) || user.length > 254)
    throw usage(`${label} must be a user name without control characters`);
  return user;
}

export function parseDisplayName(value: unknown, label: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  const problem = displayNameProblem(name);
  if (problem) throw usage(`${label}: ${problem}`);
  return name;
}

export function parseThreads(value: unknown, label: string): number {
  const text = String(value ?? '').trim();
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 64) {
    throw plain(`${label} must be a whole number from 1 to 64, not ${JSON.stringify(String(value ?? ''))}`);
  }
  return Number(text);
}

/** Connections per user on each server (the account's folder lanes): 1 to MAX_CONNECTIONS. */
export function parseConnections(value: unknown, label: string): number {
  const text = String(value ?? '').trim();
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > MAX_CONNECTIONS) {
    throw plain(
      `${label} must be a whole number from 1 to ${MAX_CONNECTIONS}, not ${JSON.stringify(String(value ?? ''))}`,
    );
  }
  return Number(text);
}

const INTERVAL_UNITS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "1h", "2d", "90s", or a number of minutes; at least 5 seconds. */
export function parseInterval(value: unknown, label: string): number {
  const match = /^(\d{1,5})\s*(s|m|min|h|d)?$/i.exec(String(value ?? '').trim());
  const ms = match ? Number(match[1]) * INTERVAL_UNITS[match[2]?.toLowerCase() ?? 'm'] : 0;
  if (ms < 5000)
    throw plain(
      `${label} must be a duration such as 30m, 1h or 2d (at least 5s), not ${JSON.stringify(String(value ?? ''))}`,
    );
  return ms;
}

export function parseDate(value: unknown, label: string): string {
  const text = String(value ?? '').trim();
  const time = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
    ? Date.parse(text)
    : NaN;
  if (Number.isNaN(time))
    throw plain(`${label} must be a date and time such as 2026-12-01T22:00 (ISO-8601), not ${JSON.stringify(text)}`);
  return new Date(time).toISOString();
}

/** `a@x;b@y`: at most 255 characters, each address valid (docs/spec.md W7). */
export function parseNotify(value: unknown, label: string): string[] {
  const text = String(value ?? '').trim();
  if (text.length === 0) return [];
  if (text.length > 255) throw plain(`${label} is ${text.length} characters long; at most 255 are allowed`);
  const addresses = text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const bad = addresses.filter((address) => emailProblem(normalizeEmail(address)));
  if (bad.length > 0)
    throw plain(
      `${label}: not a valid email address: ${bad.map((b) => JSON.stringify(b)).join(', ')}; separate addresses with ;`,
    );
  return addresses.map(normalizeEmail);
}

/** A sync's connection budget, the default filled in. */
export function connectionsOf(sync: { connections?: number }): number {
  return sync.connections ?? DEFAULT_CONNECTIONS;
}
