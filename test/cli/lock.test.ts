// One writer per data dir (C4): a second writer gets exit 3 naming the holder; readers go on.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { hasStack, ROOT, run, tempDir } from './support.ts';

const LOCK_MODULE = path.join(ROOT, 'source/store/lock.ts');

test("lock: a writer is refused with exit 3 and the holder's pid while a reader works", async () => {
  const dataDir = tempDir();
  const script = `const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    acquireLock(${JSON.stringify(dataDir)}, 'imap-migrate sync run'); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
  const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
      holder.on('exit', () => reject(new Error('the lock holder ended early')));
    });
    const [writer, reader] = await Promise.all([
      run(['accounts', 'add', 'a@x.org'], { dataDir }),
      run(['accounts', 'list', '--json'], { dataDir }),
    ]);
    assert.equal(writer.code, 3, writer.stderr);
    assert.equal(writer.stderr.trim().split('\n').length, 1);
    assert.match(
      writer.stderr,
      new RegExp(`^imap-migrate: data dir .* is in use by process ${holder.pid} \\(imap-migrate sync run\\)`),
    );
    assert.equal(hasStack(writer.stderr), false);
    assert.equal(reader.code, 0, reader.stderr);
    assert.deepEqual(JSON.parse(reader.stdout), []);
  } finally {
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
  }
});

test('lock: a lock left by a dead process is taken over and released after the command', async () => {
  const dataDir = tempDir();
  const dead = Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
  );
  fs.writeFileSync(
    path.join(dataDir, 'lock'),
    JSON.stringify({ pid: dead, since: '2020-01-01T00:00:00Z', command: 'crashed' }),
  );
  const r = await run(['accounts', 'add', 'a@x.org'], { dataDir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.existsSync(path.join(dataDir, 'lock')), false);
});
