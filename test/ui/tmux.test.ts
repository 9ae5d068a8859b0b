// End to end: the real program in a real terminal (tmux) against two real Dovecots. The sync
// is set up with the CLI; the dashboard starts it, quits while it runs (asking first), picks
// it up again at the next start, pauses, restarts, shows it complete and an account's logs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { makeMessage, seedMailbox } from '../helpers/mail.ts';
import { BIN, cleanEnv, ROOT, run, setUpDataDir, tempDir } from '../cli/support.ts';

const big = { name: 'big@example.com', password: 'big-pass' };
const small = { name: 'small@example.com', password: 'small-pass' };
const socket = `imap-migrate-test-${process.pid}`;
let source: Dovecot;
let destination: Dovecot;
let dataDir: string;
let syncId: string;

/** tmux on a private server (its own socket), so no other session is touched. */
function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    encoding: 'utf8',
  });
}

const screen = () => tmux('capture-pane', '-p', '-t', 'dash');

async function waitScreen(
  what: string,
  test: RegExp | ((text: string) => boolean),
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (typeof test === 'function' ? test(text) : test.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The status in the summary (not the Status column of the account table). */
const statusOn = (text: string) => text.match(/^Status +(\S+(?: with errors)?) +Loop /m)?.[1];
const hasStatus = (status: string) => (text: string) => statusOn(text) === status;

const keys = (...names: string[]) => tmux('send-keys', '-t', 'dash', ...names);
const paneDead = () => tmux('display-message', '-p', '-t', 'dash', '#{pane_dead}').trim() === '1';

before(async () => {
  [source, destination] = await Promise.all([
    startDovecot({ users: [big, small] }),
    startDovecot({ users: [big, small] }),
  ]);
  await seedMailbox(source, small.name, [
    { path: 'INBOX', messages: Array.from({ length: 10 }, (_, i) => ({ raw: makeMessage({ subject: `s${i}` }) })) },
  ]);
  await seedMailbox(source, big.name, [
    {
      path: 'INBOX',
      messages: Array.from({ length: 1500 }, (_, i) => ({ raw: makeMessage({ subject: `b${i}`, sizeBytes: 20_000 }) })),
    },
  ]);
  dataDir = path.join(tempDir(), 'data');
  await setUpDataDir(dataDir, destination.port, [big, small]);
  const created = await run(
    [
      'sync',
      'create',
      '--host',
      '127.0.0.1',
      '--port',
      String(source.port),
      '--tls',
      'none',
      '--mode',
      'new',
      '--start',
      'manual',
      '--no-dry-run',
    ],
    { dataDir },
  );
  assert.equal(created.code, 0, created.stderr);
  syncId = created.stdout.trim();
});

after(async () => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
  await Promise.all([source?.stop(), destination?.stop()]);
});

test(
  'start, quit while running (y), picked up again, pause, restart, complete, account logs, quit',
  { timeout: 90_000 },
  async () => {
    const command = `${process.execPath} ${BIN} --data-dir ${dataDir}`;
    tmux('new-session', '-d', '-s', 'dash', '-x', '120', '-y', '40', command);
    tmux('set-option', '-t', 'dash', 'remain-on-exit', 'on');

    await waitScreen('the sync list', /SyncNew\s+No\s+127\.0\.0\.1\s+Manual\s+2/, 30_000);
    keys('Enter');
    await waitScreen('the details', hasStatus('Manual'));
    keys('s');
    let text = await waitScreen('Running', hasStatus('Running'));
    assert.match(text, /Accounts of the run started/);

    // q while it runs: the question, then y pauses at a safe point and leaves.
    keys('q');
    await waitScreen('the quit question', (t) =>
      t
        .replace(/\s+/g, ' ')
        .includes('1 sync is running: it will pause at a safe point and continue at the next start. Quit? y/N'),
    );
    keys('y');
    await waitScreen('the exit', () => paneDead());
    const shown = JSON.parse((await run(['sync', 'show', syncId, '--json'], { dataDir })).stdout);
    assert.equal(shown.status ?? shown.sync?.status, 'Scheduled');

    // The next start picks it up by itself (docs/spec.md S1).
    tmux('respawn-pane', '-t', 'dash', command);
    await waitScreen('the list with the sync running again', /SyncNew\s+No\s+127\.0\.0\.1\s+Running/, 30_000);
    keys('Enter');
    await waitScreen('the details, running', hasStatus('Running'));
    keys('p');
    // The hint bar follows the status: R acts now, p no longer.
    text = await waitScreen('Paused', (t) => hasStatus('Paused')(t) && /R restart/.test(t), 20_000);
    assert.doesNotMatch(text.split('\n').filter(Boolean).at(-1)!, /p pause/);
    keys('R');
    await waitScreen('Running after restart', (t) => ['Running', 'Complete'].includes(statusOn(t) ?? ''));
    text = await waitScreen('Complete', (t) => hasStatus('Complete')(t) && /100%/.test(t), 40_000);
    assert.match(text, /Pending \| Complete \| Total Accounts: 0 \| 2 \| 2 .*100%/);
    assert.match(text, /big@example\.com\s+1500\s+\d+/);
    assert.match(text, /Sync - User Restart/);
    assert.match(text, /Sync - User Pause/);

    // The first account's logs (rows sorted by user: big@ first).
    keys('Enter');
    text = await waitScreen('the account detail', /Download Log[\s\S]*\d\d:\d\d:\d\d /);
    assert.match(text, /User\s+big@example\.com/);
    assert.match(text, /Status\s+complete/);
    assert.match(text, /No errors\./);
    keys('Escape');
    await waitScreen('back on the details', /Date Created/);

    // Nothing runs now: q leaves at once.
    keys('q');
    await waitScreen('the exit', () => paneDead());
  },
);

/** One key at a time, as a person types (several keys in one read reach Ink as one input). */
async function type(...names: string[]): Promise<void> {
  for (const name of names) {
    if (name.startsWith('text:')) tmux('send-keys', '-t', 'dash', '-l', name.slice(5));
    else keys(name);
    await new Promise((resolve) => setTimeout(resolve, 80));
  }
}

test(
  'create a sync through the wizard in the real program, watch it run to Complete',
  { timeout: 90_000 },
  async () => {
    const command = `${process.execPath} ${BIN} --data-dir ${dataDir}`;
    tmux('kill-session', '-t', 'dash');
    tmux('new-session', '-d', '-s', 'dash', '-x', '120', '-y', '40', command);
    tmux('set-option', '-t', 'dash', 'remain-on-exit', 'on');
    await waitScreen('the sync list', /IMAP Syncs/, 30_000);
    keys('n');
    await waitScreen('step 1', /Step 1 of 3/);
    // Step 1: server, port, TLS none, mode Flags and New Messages, dry run off.
    await type(
      'text:127.0.0.1',
      'Tab',
      'C-u',
      `text:${source.port}`,
      'Tab',
      'Left',
      'Tab',
      'Tab',
      'Left',
      'Tab',
      'Space',
    );
    let text = await waitScreen(
      'step 1 filled',
      (t) => /Dry run\s+\[ \]/.test(t) && /\(•\) none/.test(t) && /\(•\) Flags and New Messages/.test(t),
    );
    assert.match(text, new RegExp(`Port\\s+${source.port}`));
    keys('Enter');
    await waitScreen('step 2', /Step 2 of 3/);
    await waitScreen('the accounts', /2 of 2 checked/);
    // Test both logins from the checklist before going on.
    await type('T');
    await waitScreen('the login tests', (t) => (t.match(/✓ OK/g) ?? []).length >= 2, 20_000);
    await type('Enter');
    await waitScreen('step 3', /Step 3 of 3/);
    await type('Enter');
    await waitScreen(
      'the new sync running or complete',
      (t) => /SyncFlagNew/.test(t) && /(Running|Complete)/.test(statusOn(t) ?? ''),
      20_000,
    );
    text = await waitScreen('Complete', (t) => hasStatus('Complete')(t) && /100%/.test(t), 40_000);
    assert.match(text, /Sync Mode\s+SyncFlagNew/);
    assert.match(text, /Dry Run\s+No/);
    keys('q');
    await waitScreen('the exit', () => paneDead());
    const list = JSON.parse((await run(['sync', 'list', '--json'], { dataDir })).stdout) as {
      mode: string;
      status: string;
    }[];
    assert.ok(
      list.some((sync) => sync.mode === 'flags-new' && sync.status === 'Complete'),
      JSON.stringify(list.map((s) => [s.mode, s.status])),
    );
  },
);

test(
  'at 60x20 a running sync keeps its title on screen and no frame reaches the scrollback',
  { timeout: 90_000 },
  async () => {
    const command = `${process.execPath} ${BIN} --data-dir ${dataDir}`;
    tmux('kill-session', '-t', 'dash');
    tmux('new-session', '-d', '-s', 'dash', '-x', '60', '-y', '20', command);
    tmux('set-option', '-t', 'dash', 'remain-on-exit', 'on');
    await waitScreen('the sync list with its syncs', /› \S+ /, 30_000);
    keys('Enter');
    await waitScreen('the details with its controls', (t) => /Date Created/.test(t) && /R restart/.test(t));
    keys('R'); // a new run at once: the frame redraws while it copies
    await waitScreen('a run under way or done', (t) => /(Running|Complete)/.test(statusOn(t) ?? ''), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const lines = screen().split('\n');
    assert.match(lines[0] ?? '', /^Sync \S+ /, `the title line:\n${lines.join('\n')}`);
    // The whole history of the pane (scrollback included) is the 20 lines on screen.
    const history = tmux('capture-pane', '-p', '-S', '-', '-t', 'dash').replace(/\n+$/, '').split('\n');
    assert.ok(history.length <= 20, `${history.length} lines in the pane's history:\n${history.join('\n')}`);
    keys('q');
  },
);
