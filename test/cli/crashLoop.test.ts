// A crash loop (docs/spec.md E7): `sync run` killed with SIGKILL at seeded random moments and run
// again each time; at the end the destination equals the source exactly and the datastore
// still loads.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/faultProxy.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { BIN, cleanEnv, ROOT, run, runBegun, runIds, runOk, setUpDataDir, tempDir } from './support.ts';

const KILLS = 12;
const user = { name: 'crash@example.com', password: 'crash-pass' };
let source: Dovecot;
let destination: Dovecot;
let slowDestination: FaultProxy;

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

before(async () => {
  [source, destination] = await Promise.all([startDovecot({ users: [user] }), startDovecot({ users: [user] })]);
  // The copy must outlast a dozen short runs for the kills to land inside them: the
  // destination is reached through 30 ms of latency each way, like a server across a WAN.
  slowDestination = await startFaultProxy(destination.port);
  slowDestination.latencyMs = 30;
  const message = (folder: string, i: number) => ({
    raw: makeMessage({
      subject: `${folder} ${i}`,
      sizeBytes: 2000 + ((i * 7919) % 60_000),
      messageId: i % 50 === 0 ? null : undefined,
    }),
    flags: i % 3 === 0 ? ['\\Seen'] : i % 7 === 0 ? ['\\Flagged', 'todo'] : [],
  });
  await seedMailbox(source, user.name, [
    { path: 'INBOX', messages: Array.from({ length: 900 }, (_, i) => message('inbox', i)) },
    { path: 'Archive/2024', messages: Array.from({ length: 300 }, (_, i) => message('archive', i)) },
  ]);
});

after(async () => {
  await slowDestination?.close();
  await Promise.all([source?.stop(), destination?.stop()]);
});

test(`sync run survives ${KILLS} SIGKILLs at random moments: no loss, no duplicate, datastore loads`, async () => {
  const seed = Number(process.env.CRASH_SEED ?? 20261130);
  const next = random(seed);
  const dataDir = path.join(tempDir(), 'data');
  const ok = (args: string[]) => runOk(args, dataDir);
  await setUpDataDir(dataDir, slowDestination.port, [user]);
  const id = await ok([
    'sync',
    'create',
    '--host',
    '127.0.0.1',
    '--port',
    String(source.port),
    '--tls',
    'none',
    '--mode',
    'flags-new',
    '--no-dry-run',
    '--start',
    'manual',
  ]);

  let finishedEarly = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'sync', 'run', id], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: 'ignore',
    });
    let done = false;
    const before = runIds(dataDir, id);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))).finally(
      () => (done = true),
    );
    // Wait for the run to begin (a new run in runs.db), then kill anywhere in the next 1.2 s:
    // planning, copying, checkpointing, or writing the datastore.
    await runBegun(dataDir, id, before, () => done);
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.floor(next() * 1200));
    const code = await exited;
    clearTimeout(timer);
    if (code === 0) finishedEarly += 1;
  }

  const final = await run(['sync', 'run', id, '--json'], { dataDir });
  assert.equal(final.code, 0, `seed ${seed}: ${final.stderr}`);
  const shown = JSON.parse(await ok(['sync', 'show', id, '--json']));
  assert.equal(shown.sync.status, 'Complete');
  const interrupted = shown.runs.filter((r: { status: string }) => r.status === 'Interrupted').length;
  // Most kills must land inside a run (not before it started), or the test proves little.
  assert.ok(interrupted >= KILLS / 2, `only ${interrupted} of ${KILLS} kills interrupted a run`);
  const differences = compareMailboxes(
    await readMailbox(source, user.name),
    await readMailbox(destination, user.name),
    { ignoreEmptyExtraFolders: true },
  );
  assert.deepEqual(differences, [], `seed ${seed}, ${KILLS} kills (${finishedEarly} runs ended before their kill)`);
});
