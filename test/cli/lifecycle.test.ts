// The lifecycle across processes: the headless scheduler starts due and looping syncs, ends
// cleanly on SIGTERM; a `sync run` killed with SIGKILL is Interrupted, then completes with
// nothing lost or duplicated; controls from another process name the holder.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { compareMailboxes, connectAs, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { BIN, cleanEnv, ROOT, run, runBegun, runIds, setUpDataDir, tempDir } from './support.ts';

const small = { name: 'small@example.com', password: 'small-pass' };
const big = { name: 'big@example.com', password: 'big-pass' };
let source: Dovecot;
let destination: Dovecot;
let dataDir: string;

before(async () => {
  [source, destination] = await Promise.all([
    startDovecot({ users: [small, big] }),
    startDovecot({ users: [small, big] }),
  ]);
  await seedMailbox(source, small.name, [
    { path: 'INBOX', messages: Array.from({ length: 10 }, (_, i) => ({ raw: makeMessage({ subject: `s${i}` }) })) },
  ]);
  await seedMailbox(source, big.name, [
    {
      path: 'INBOX',
      messages: Array.from({ length: 2000 }, (_, i) => ({ raw: makeMessage({ subject: `b${i}`, sizeBytes: 30_000 }) })),
    },
  ]);
  dataDir = path.join(tempDir(), 'data');
  await setUpDataDir(dataDir, destination.port, [small, big]);
});

after(async () => {
  await Promise.all([source?.stop(), destination?.stop()]);
});

function startProcess(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, ...args], { cwd: ROOT, env: cleanEnv() });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function showJson(id: string) {
  const shown = await run(['sync', 'show', id, '--json'], { dataDir });
  assert.equal(shown.code, 0, shown.stderr);
  return JSON.parse(shown.stdout);
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function messagesOn(server: Dovecot, user: { name: string; password: string }): Promise<number> {
  const client = await connectAs(server, user.name, user.password);
  try {
    const status = await client.status('INBOX', { messages: true });
    return status ? (status.messages ?? 0) : 0;
  } finally {
    await client.logout();
  }
}

const create = async (extra: string[]) => {
  const created = await run(
    ['sync', 'create', '--host', '127.0.0.1', '--port', String(source.port), '--tls', 'none', '--no-dry-run', ...extra],
    { dataDir },
  );
  assert.equal(created.code, 0, created.stderr);
  return created.stdout.trim();
};

test('the scheduler starts a sync at its start time and loops until the end date; SIGTERM ends it cleanly', async () => {
  const startAt = new Date(Date.now() + 2500).toISOString();
  const later = await create(['--mode', 'new', '--group', 'specific', '--accounts', small.name, '--start', startAt]);
  const loopUntil = new Date(Date.now() + 11_000).toISOString();
  const looping = await create([
    '--mode',
    'flags-new',
    '--group',
    'specific',
    '--accounts',
    small.name,
    '--start',
    'now',
    '--loop-until',
    loopUntil,
    '--loop-interval',
    '5s',
  ]);
  assert.equal((await showJson(later)).sync.status, 'Scheduled');

  const daemon = startProcess(['run', '--poll-seconds', '1']);
  try {
    await waitUntil('the scheduler to start', async () =>
      /scheduler running/.test(daemon.output()) ? true : undefined,
    );
    const locked = await run(['sync', 'note', later, 'hello'], { dataDir });
    assert.equal(locked.code, 3, locked.stderr);
    assert.match(locked.stderr, new RegExp(`in use by process ${daemon.child.pid}`));

    const started = await waitUntil('the scheduled sync to complete', async () => {
      const json = await showJson(later);
      return json.sync.status === 'Complete' ? json : undefined;
    });
    assert.ok(Date.parse(started.runs[0].startedAt) >= Date.parse(startAt), 'not before its start time');
    assert.ok(started.history.some((entry: { type: string }) => entry.type === 'Sync - System Start'));

    const looped = await waitUntil(
      'the loop to end',
      async () => {
        const json = await showJson(looping);
        return json.sync.status === 'Complete' ? json : undefined;
      },
      30_000,
    );
    assert.ok(looped.runs.length >= 2, `${looped.runs.length} passes`);
    assert.ok(
      looped.runs.every((r: { startedAt: string }) => Date.parse(r.startedAt) < Date.parse(loopUntil)),
      'no pass after the end date',
    );
  } finally {
    daemon.child.kill('SIGTERM');
  }
  assert.equal(await daemon.exited, 0, daemon.output());
  assert.match(daemon.output(), /scheduler stopped/);
  assert.deepEqual(
    compareMailboxes(await readMailbox(source, small.name), await readMailbox(destination, small.name), {
      ignoreEmptyExtraFolders: true,
    }),
    [],
  );
});

test('sync run killed with SIGKILL: Interrupted, then completes with nothing lost or duplicated', async () => {
  const id = await create(['--mode', 'new', '--group', 'specific', '--accounts', big.name, '--start', 'manual']);
  const before = runIds(dataDir, id);
  const first = startProcess(['sync', 'run', id]);
  let ended = false;
  void first.exited.then(() => (ended = true));
  // Kill shortly after the run has begun: in the middle of planning or copying.
  await runBegun(dataDir, id, before, () => ended);
  await new Promise((resolve) => setTimeout(resolve, 400));
  first.child.kill('SIGKILL');
  await first.exited;
  const copiedBeforeKill = await messagesOn(destination, big);
  assert.ok(copiedBeforeKill < 2000, `killed in the middle (${copiedBeforeKill} copied)`);

  const second = await run(['sync', 'run', id, '--json'], { dataDir });
  assert.equal(second.code, 0, second.stderr);
  const json = await showJson(id);
  assert.equal(json.sync.status, 'Complete');
  assert.ok(json.history.some((entry: { type: string }) => entry.type === 'Sync - Interrupted'));
  assert.equal(json.runs.length, 2);
  assert.equal(json.runs[1].status, 'Interrupted');
  assert.deepEqual(
    compareMailboxes(await readMailbox(source, big.name), await readMailbox(destination, big.name), {
      ignoreEmptyExtraFolders: true,
    }),
    [],
  );
});

test('test-auth, threads, note and recreate from the command line', async () => {
  const id = await create(['--mode', 'new', '--start', 'manual', '--threads', '2']);
  const auth = await run(['sync', 'test-auth', id], { dataDir });
  assert.equal(auth.code, 0, auth.stdout + auth.stderr);
  assert.match(auth.stdout, /big@example.com\s+OK\s+OK/);
  assert.equal((await run(['sync', 'threads', id, '3'], { dataDir })).code, 0);
  assert.equal((await run(['sync', 'note', id, 'before the MX change'], { dataDir })).code, 0);
  assert.equal((await run(['sync', 'threads', id, 'many'], { dataDir })).code, 2);
  assert.equal((await run(['sync', 'restart', id], { dataDir })).code, 2, 'a manual sync is started, not restarted');
  const recreated = await run(['sync', 'recreate', id, '--mode', 'flags-new', '--json'], { dataDir });
  assert.equal(recreated.code, 0, recreated.stderr);
  const copy = await showJson(JSON.parse(recreated.stdout).id);
  assert.equal(copy.sync.mode, 'flags-new');
  assert.equal(copy.sync.threads, 3);
  assert.equal(copy.sync.accounts.length, 2);
  assert.equal(copy.sync.recreatedFrom, id);
  const original = await showJson(id);
  assert.deepEqual(original.history.map((e: { type: string }) => e.type).sort(), [
    'Note',
    'Sync - Created',
    'Threads Changed',
  ]);
  assert.ok(
    original.history.every((e: { user: string }) => e.user.length > 0),
    'user actions carry the OS user',
  );
});

test('sync run paused with Ctrl+C, then `sync start`: the same run goes on, counters add up', async () => {
  // Enough to copy that Ctrl+C, sent right after the run began, lands in the middle of it.
  const LATER = 1500;
  await seedMailbox(source, big.name, [
    {
      path: 'Later',
      messages: Array.from({ length: LATER }, (_, i) => ({
        raw: makeMessage({ subject: `l${i}`, sizeBytes: 30_000 }),
      })),
    },
  ]);
  // What this run has to copy: the new folder, and what an earlier test left of the inbox.
  const toCopy = LATER + 2000 - (await messagesOn(destination, big));
  const id = await create(['--mode', 'new', '--group', 'specific', '--accounts', big.name, '--start', 'manual']);
  const first = startProcess(['sync', 'run', id]);
  let ended = false;
  void first.exited.then(() => (ended = true));
  await runBegun(dataDir, id, new Set(), () => ended);
  await new Promise((resolve) => setTimeout(resolve, 100));
  first.child.kill('SIGINT');
  await first.exited;
  const paused = await showJson(id);
  assert.equal(paused.sync.status, 'Paused', `exit ${await first.exited}: ${first.output()}`);
  assert.equal(paused.runs.length, 1);
  const copiedBeforePause = paused.lastRun.accounts[0].counters.downloaded;
  assert.ok(copiedBeforePause < toCopy, `paused in the middle (${copiedBeforePause} copied)`);

  const queued = await run(['sync', 'start', id], { dataDir });
  assert.equal(queued.code, 0, queued.stderr);
  const resumed = await run(['sync', 'run', id, '--json'], { dataDir });
  assert.equal(resumed.code, 0, resumed.stderr);
  const json = await showJson(id);
  assert.equal(json.sync.status, 'Complete');
  assert.equal(json.runs.length, 1, 'the same run, not a new one');
  assert.equal(json.lastRun.accounts[0].counters.downloaded, toCopy, 'Msgs DL counts the whole run');
  const types = json.history.map(
    (entry: { type: string; user: string }) => `${entry.type} ${entry.user ? 'user' : ''}`,
  );
  assert.ok(types.includes('Sync - User Pause user'), types.join(', '));
  assert.ok(types.includes('Sync - User Resume user'), types.join(', '));
  assert.deepEqual(
    compareMailboxes(await readMailbox(source, big.name), await readMailbox(destination, big.name), {
      ignoreEmptyExtraFolders: true,
    }),
    [],
  );
});
