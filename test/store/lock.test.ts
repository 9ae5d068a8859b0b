import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataDirLockedError } from '../../source/errors.ts';
import { acquireLock, lockPath, readLock } from '../../source/store/lock.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const LOCK_MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../source/store/lock.ts');

function freshDir(): string {
  return makeTempDir('imap-migrate-lock-');
}

/** A pid that belonged to a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('lock: taken with our pid, 0600; a second take in the same process is refused; release removes it', () => {
  const dir = freshDir();
  const handle = acquireLock(dir, 'unit test');
  const info = readLock(lockPath(dir))?.info;
  assert.equal(info?.pid, process.pid);
  assert.equal(info?.command, 'unit test');
  assert.equal(fs.statSync(lockPath(dir)).mode & 0o777, 0o600);
  assert.throws(() => acquireLock(dir, 'again'), DataDirLockedError);
  handle.release();
  assert.equal(fs.existsSync(lockPath(dir)), false);
  handle.release(); // twice is fine
  acquireLock(dir, 'after release').release();
});

test('lock: a lock of a dead process, or a corrupt lock file, is taken over', () => {
  const dir = freshDir();
  fs.writeFileSync(
    lockPath(dir),
    JSON.stringify({ pid: deadPid(), since: new Date().toISOString(), command: 'crashed' }),
  );
  const handle = acquireLock(dir, 'taker');
  assert.equal(readLock(lockPath(dir))?.info?.pid, process.pid);
  handle.release();
  fs.writeFileSync(lockPath(dir), 'not json at all');
  acquireLock(dir, 'taker').release();
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('lock: release leaves a lock that another process holds now', () => {
  const dir = freshDir();
  const handle = acquireLock(dir, 'first');
  const foreign = JSON.stringify({ pid: 1, since: 'x', command: 'other' });
  fs.writeFileSync(lockPath(dir), foreign);
  handle.release();
  assert.equal(fs.readFileSync(lockPath(dir), 'utf8'), foreign);
});

test('lock: held by a live child process -> DataDirLockedError naming its pid and command', async () => {
  const dir = freshDir();
  const script = `const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    acquireLock(${JSON.stringify(dir)}, 'child holder'); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      child.on('exit', () => reject(new Error('child ended early')));
    });
    assert.throws(
      () => acquireLock(dir, 'me'),
      (e: unknown) =>
        e instanceof DataDirLockedError &&
        e.pid === child.pid &&
        e.message.includes(String(child.pid)) &&
        e.message.includes('child holder'),
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  // SIGTERM ends it without running exit handlers: the lock it left is stale and taken over.
  acquireLock(dir, 'me').release();
});
