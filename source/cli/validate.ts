// Parsing and validation of command-line values. Every problem is a UsageError (exit 2)
// whose one line names the option and what it accepts.
import { UsageError } from '../errors.ts';
import type { TlsMode } from '../imap/endpoint.ts';
import * as fields from '../shared/fields.ts';
import { passwordProblem } from '../store/accounts.ts';
import { readPasswordFile } from '../store/dataDir.ts';

function usage(message: string): UsageError {
  return new UsageError(message, [], { showHelp: true });
}

// The parsers live in source/shared/fields.ts (the dashboard's forms use them with field labels);
// here they take the option names.
export const parseHost = (value: unknown, option = '--host'): string => fields.parseHost(value, option, '--port');
export const parsePort = (value: unknown, option = '--port'): number => fields.parsePort(value, option);
export const parseTls = (value: unknown, option = '--tls'): TlsMode => fields.parseTls(value, option);
export const parseDisplayName = (value: unknown, option = '--name'): string => fields.parseDisplayName(value, option);
export const { parseEmail, parseUser } = fields;

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
