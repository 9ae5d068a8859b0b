// Whatever happens, no Dovecot outlives the process: every instance started is registered,
// killed (its whole process group) and its dir removed at exit; dirs left by earlier processes
// that died are swept once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Every instance's temp dir starts with this (the sweep recognizes its own by it). */
export const DIR_PREFIX = 'imap-migrate-dovecot-';

export interface Running {
  pgid: number;
  dir: string;
}
const running = new Set<Running>();
let exitHandlerInstalled = false;

export function register(entry: Running): void {
  running.add(entry);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const item of running) {
      killGroup(item.pgid);
      try {
        fs.rmSync(item.dir, { recursive: true, force: true });
      } catch {
        // best effort at exit
      }
    }
    running.clear();
  });
}

/** Forgets an instance that was stopped (its group killed, its dir removed). */
export function unregister(entry: Running): void {
  running.delete(entry);
}

export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

let sweptStale = false;
/** Removes dirs of earlier test processes that died without cleaning up (their servers died
 *  with them through the watchdog). Only dirs whose owner process is gone are touched. */
export function sweepStaleDirs(): void {
  if (sweptStale) return;
  sweptStale = true;
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(os.tmpdir(), name);
    try {
      const owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
      if (!owner || processAlive(owner)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, or being created right now
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
