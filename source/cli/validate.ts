// Parsing and validation of command-line values. Every problem is a UsageError (exit 2)
// whose one line names the option and what it accepts.
import { UsageError } from '../errors.ts';
import { TLS_MODES, type TlsMode } from '../imap/endpoint.ts';
import { displayNameProblem, emailProblem, normalizeEmail, passwordProblem } from '../store/accounts.ts';
import { readPasswordFile } from '../store/dataDir.ts';
import { hasControlCharacter } from '../shared/text.ts';

function usage(message: string): UsageError {
  return new UsageError(message, [], { showHelp: true });
}

function shown(value: unknown): string {
  return JSON.stringify(String(value)).slice(0, 60);
}

/** A host name or IP address: non-empty, no spaces or control characters. */
export function parseHost(value: unknown, option = '--host'): string {
  const host = typeof value === 'string' ? value.trim() : '';
  if (host.length === 0) throw usage(`${option} needs a host name or IP address`);
  if (/\s/.test(host) || hasControlCharacter(host) || host.length > 253) {
    throw usage(`${option} must be a host name or IP address without spaces, not ${shown(value)}`);
  }
  if (/[/@]/.test(host) || /^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
    throw usage(`${option} takes a bare host name or IP address (no scheme, path or user), not ${shown(value)}`);
  }
  if (/^[^:]+:\d+$/.test(host))
    throw usage(`${option} takes the host alone; give the port with --port (${shown(value)})`);
  // [::1] is accepted and unwrapped; a bare IPv6 address is fine too.
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A TCP port: a whole number from 1 to 65535 (given as text so that "1.5" or "abc" is caught). */
export function parsePort(value: unknown, option = '--port'): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw usage(`${option} must be a whole number from 1 to 65535, not ${shown(value ?? '')}`);
  }
  return Number(text);
}

export function parseTls(value: unknown, option = '--tls'): TlsMode {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!(TLS_MODES as readonly string[]).includes(text)) {
    throw usage(`${option} must be one of ${TLS_MODES.join(', ')}, not ${shown(value ?? '')}`);
  }
  return text as TlsMode;
}

/** An email address, lowercased. */
export function parseEmail(value: unknown, option: string): string {
  const email = normalizeEmail(typeof value === 'string' ? value : '');
  const problem = emailProblem(email);
  if (problem) throw usage(`${option}: ${problem}`);
  return email;
}

/** A login name (admin or SMTP user): non-empty, no control characters. */
export function parseUser(value: unknown, option: string): string {
  const user = typeof value === 'string' ? value.trim() : '';
  if (user.length === 0) throw usage(`${option} is empty`);
  if (hasControlCharacter(user) || user.length > 254)
    throw usage(`${option} must be a user name without control characters`);
  return user;
}

export function parseDisplayName(value: unknown, option = '--name'): string {
  const name = typeof value === 'string' ? value.trim() : '';
  const problem = displayNameProblem(name);
  if (problem) throw usage(`${option}: ${problem}`);
  return name;
}

export interface PasswordSources {
  /** The option given on the command line, e.g. --password. */
  value?: unknown;
  valueOption: string;
  /** A file whose first line is the password, e.g. --password-file. */
  file?: unknown;
  fileOption: string;
  /** An environment variable read when neither option is given. */
  envName?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The password from `--x-password`, `--x-password-file` or an environment variable,
 * in that order; undefined when none is given. Both options at once, or an empty
 * password (often an unset shell variable), is a usage error.
 */
export function resolvePassword(sources: PasswordSources): string | undefined {
  const { value, file, valueOption, fileOption } = sources;
  if (value !== undefined && file !== undefined) throw usage(`give ${valueOption} or ${fileOption}, not both`);
  let password: string | undefined;
  let from = valueOption;
  if (value !== undefined) {
    password = typeof value === 'string' ? value : String(value);
    if (password.length === 0)
      throw usage(`${valueOption} is empty (an unset shell variable?); leave it out for no password`);
  } else if (file !== undefined) {
    if (typeof file !== 'string' || file.length === 0) throw usage(`${fileOption} needs a file name`);
    password = readPasswordFile(file);
    from = fileOption;
  } else if (sources.envName) {
    const fromEnv = (sources.env ?? process.env)[sources.envName];
    if (fromEnv !== undefined && fromEnv.length > 0) {
      password = fromEnv;
      from = sources.envName;
    }
  }
  if (password !== undefined) {
    const problem = passwordProblem(password);
    if (problem) throw usage(`${from}: ${problem}`);
  }
  return password;
}
