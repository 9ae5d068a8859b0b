// Runs the real CLI as a subprocess against a throwaway data dir (for test/cli/*.test.ts).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../helpers/tempDirs.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/imap-migrate.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment without the variables that would change where or how the CLI stores things. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'IMAP_MIGRATE_HOME',
    'IMAP_MIGRATE_KEY',
    'IMAP_MIGRATE_ADMIN_PASSWORD',
    'IMAP_MIGRATE_SMTP_PASSWORD',
    'NODE_OPTIONS',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

export function run(
  args: string[],
  options: { env?: Record<string, string>; dataDir?: string } = {},
): Promise<RunResult> {
  const full = options.dataDir ? ['--data-dir', options.dataDir, ...args] : args;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...full],
      { cwd: ROOT, env: cleanEnv(options.env), timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function tempDir(prefix = 'imap-migrate-test-'): string {
  return makeTempDir(prefix);
}

/** The first stderr line, and a check that no stack trace leaked. */
export function firstLine(text: string): string {
  return text.split('\n')[0];
}

export function hasStack(text: string): boolean {
  return /\n\s+at /.test(text) || text.includes('    at ');
}

/** The ids of a sync's runs as the data dir holds them now (for tests that kill a run once it began). */
export function runIds(dataDir: string, syncId: string): Set<string> {
  const ids = new Set<string>();
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, 'runs.db'), 'utf8');
  } catch {
    return ids;
  }
  for (const line of text.split('\n')) {
    try {
      const doc = JSON.parse(line) as { _id?: string; syncId?: string };
      if (doc.syncId === syncId && doc._id) ids.add(doc._id);
    } catch {
      // a line being written
    }
  }
  return ids;
}

/** Resolves once the sync has a run it did not have in `before`, or the process ended. */
export async function runBegun(
  dataDir: string,
  syncId: string,
  before: Set<string>,
  ended: () => boolean,
): Promise<void> {
  while (!ended() && [...runIds(dataDir, syncId)].every((id) => before.has(id)))
    await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Runs a command that must succeed; its trimmed stdout. */
export async function runOk(args: string[], dataDir: string): Promise<string> {
  const result = await run(args, { dataDir });
  if (result.code !== 0) throw new Error(`${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * A data dir as a sysadmin sets it up from the README: the destination (no TLS, loopback)
 * and the accounts, their passwords given through files.
 */
export async function setUpDataDir(
  dataDir: string,
  destinationPort: number,
  users: { name: string; password: string }[],
): Promise<void> {
  await runOk(
    ['destination', 'set', '--host', '127.0.0.1', '--port', String(destinationPort), '--tls', 'none'],
    dataDir,
  );
  for (const user of users) {
    const file = path.join(path.dirname(dataDir), `${user.name}.pw`);
    fs.writeFileSync(file, user.password);
    await runOk(['accounts', 'add', user.name, '--password-file', file], dataDir);
  }
}
