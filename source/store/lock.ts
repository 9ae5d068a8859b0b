// One writer at a time per data dir (docs/spec.md C4). The lock is a file created atomically
// (O_CREAT|O_EXCL) holding the owner's pid; a lock whose pid is gone is taken over.
import fs from 'node:fs';
import path from 'node:path';
import { DataDirLockedError } from '../errors.ts';
import { FILE_MODE, systemReason } from './dataDir.ts';

export const LOCK_FILE = 'lock';

export interface LockInfo {
  pid: number;
  /** ISO time the lock was taken. */
  since: string;
  /** What holds it, e.g. "sync run" or "dashboard". */
  command: string;
}

export interface LockHandle {
  readonly file: string;
  readonly info: LockInfo;
  /** Removes the lock file if it still holds our pid. Safe to call twice. */
  release(): void;
}

export function lockPath(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE);
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's content, or undefined when the file is missing; `corrupt` when unreadable as a lock. */
export function readLock(file: string): { raw: string; info?: LockInfo } | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockInfo>;
    if (typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0) {
      return {
        raw,
        info: { pid: parsed.pid, since: String(parsed.since ?? ''), command: String(parsed.command ?? '') },
      };
    }
  } catch {
    // corrupt: treated as stale below
  }
  return { raw };
}

const MAX_ATTEMPTS = 20;

/** Lock files held by this process. */
const heldLocks = new Set<string>();

/**
 * Takes the data dir's lock or throws DataDirLockedError naming the live holder.
 * A lock left by a dead process, or a corrupt lock file, is taken over: it is first
 * renamed aside (atomic), and only deleted when the renamed file is still the stale one
 * we judged; if another process replaced it meanwhile, it is put back.
 */
export function acquireLock(dataDir: string, holderDescription: string): LockHandle {
  const file = lockPath(dataDir);
  const info: LockInfo = { pid: process.pid, since: new Date().toISOString(), command: holderDescription };
  const content = JSON.stringify(info) + '\n';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', FILE_MODE);
      try {
        fs.writeFileSync(fd, content);
      } finally {
        fs.closeSync(fd);
      }
      heldLocks.add(file);
      return makeHandle(file, info, content);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot create lock file ${file}: ${systemReason(error)}`, { cause: error });
      }
    }
    const existing = readLock(file);
    if (!existing) continue; // released meanwhile
    // Our own pid in a lock we do not hold is a leftover of an earlier process that had
    // the same pid (common in containers, where every run may be pid 1).
    const ours = existing.info?.pid === process.pid;
    if (ours && heldLocks.has(file)) {
      throw new DataDirLockedError(dataDir, process.pid, `${existing.info!.command}, in this same process`);
    }
    if (existing.info && !ours && isProcessAlive(existing.info.pid)) {
      throw new DataDirLockedError(dataDir, existing.info.pid, existing.info.command || undefined);
    }
    // A lock being written right now can be empty for an instant: give its writer time.
    if (!existing.info && existing.raw.length === 0 && attempt < 3) {
      sleepMs(20);
      continue;
    }
    takeOverStale(file, existing.raw);
  }
  throw new Error(`cannot take the lock ${file}: it keeps changing; is another imap-migrate starting?`);
}

function takeOverStale(file: string, staleRaw: string): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else took it over
    throw error;
  }
  let asideRaw = '';
  try {
    asideRaw = fs.readFileSync(aside, 'utf8');
  } catch {
    // vanished: nothing to put back
  }
  if (asideRaw !== staleRaw) {
    // Another process took the lock between our read and our rename: give it back.
    try {
      fs.linkSync(aside, file);
    } catch {
      // a third process holds it now; the next attempt will see who
    }
  }
  fs.rmSync(aside, { force: true });
}

function makeHandle(file: string, info: LockInfo, content: string): LockHandle {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldLocks.delete(file);
    process.removeListener('exit', release);
    try {
      const current = readLock(file);
      if (current?.raw === content) fs.rmSync(file, { force: true });
    } catch {
      // best effort: a lock left behind is taken over as stale by the next process
    }
  };
  process.on('exit', release);
  return { file, info, release };
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
