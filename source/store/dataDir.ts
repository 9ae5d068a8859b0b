// Where everything lives (docs/spec.md C4): one directory, owner-only. Also the few reads and
// writes of user-named files (CSV in, CSV out, password files), so that source/store
// stays the only code that touches the file system.
import fs from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { UsageError } from '../errors.ts';

export const DATA_DIR_ENV = 'IMAP_MIGRATE_HOME';
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** The platform's data location for the app, e.g. ~/.local/share/imap-migrate on Linux. */
export function defaultDataDir(): string {
  return envPaths('imap-migrate', { suffix: '' }).data;
}

/**
 * `--data-dir` wins over `$IMAP_MIGRATE_HOME`, which wins over the platform default.
 * An empty value counts as not given. The result is absolute.
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = nonEmpty(flag) ?? nonEmpty(env[DATA_DIR_ENV]) ?? defaultDataDir();
  return path.resolve(chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** Whether `dir` exists as a directory (a file in its place is a usage error). */
export function dataDirExists(dir: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new UsageError(`cannot use data dir ${dir}: ${systemReason(error)}`);
  }
  if (!stat.isDirectory())
    throw new UsageError(`data dir ${dir} exists but is not a directory; choose another --data-dir`);
  return true;
}

/**
 * Creates the data dir (and missing parents) owner-only. An existing directory keeps its
 * mode: it may have been chosen on purpose; every file we create in it is 0600 anyway.
 */
export function ensureDataDir(dir: string): void {
  if (dataDirExists(dir)) return;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    fs.chmodSync(dir, DIR_MODE);
  } catch (error) {
    throw new UsageError(`cannot create data dir ${dir}: ${systemReason(error)}; choose another --data-dir`);
  }
}

/** Makes every file and directory this process creates owner-only, whatever the library. */
export function restrictUmask(): void {
  process.umask(0o077);
}

/** A one-line reason for a file system error, without a stack. */
export function systemReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EEXIST':
      return 'already exists';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return (e?.message ?? String(error)).split('\n')[0];
  }
}

/**
 * Reads a user-named text file (CSV, password file). A missing file, a directory, or
 * bytes that are not UTF-8 text give a one-line UsageError. A leading BOM is kept: the
 * CSV parser strips it.
 */
export function readUserTextFile(file: string, what = 'file'): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${systemReason(error)}`);
  }
  if (bytes.includes(0)) throw new UsageError(`${what} ${file} is not a text file (it holds NUL bytes)`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${what} ${file} is not UTF-8 text; save it as UTF-8 and try again`);
  }
}

/**
 * Reads a password from a file: the first line, without its line ending (so `echo pw > f`
 * works). An empty password is a usage error.
 */
export function readPasswordFile(file: string): string {
  const text = readUserTextFile(file, 'password file');
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  if (first.length === 0) throw new UsageError(`password file ${file} is empty; put the password on its first line`);
  return first;
}

/** Where the dashboard's exports go by default: `exports/` in the data dir (created on first export). */
export function exportsDirOf(dataDir: string): string {
  return path.join(dataDir, 'exports');
}

/**
 * Writes a user-named file. With `private`, the file is created 0600 (and an existing
 * one is narrowed to 0600 before the content goes in). With `dataDir`, a file in the data
 * dir's exports folder gets that folder created first.
 */
export function writeUserTextFile(
  file: string,
  text: string,
  options: { private?: boolean; dataDir?: string } = {},
): void {
  try {
    const exportsDir = options.dataDir ? exportsDirOf(options.dataDir) : undefined;
    if (exportsDir && path.resolve(path.dirname(file)) === path.resolve(exportsDir))
      fs.mkdirSync(exportsDir, { recursive: true, mode: 0o700 });
    if (options.private) {
      const fd = fs.openSync(file, 'w', FILE_MODE);
      try {
        fs.fchmodSync(fd, FILE_MODE);
        fs.writeFileSync(fd, text);
      } finally {
        fs.closeSync(fd);
      }
    } else {
      fs.writeFileSync(file, text);
    }
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${systemReason(error)}`);
  }
}
