// `imap-migrate demo` in a real terminal (tmux): two local servers, sample mail, two syncs
// ready on the dashboard; a sync runs; everything removed on quit.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { BIN } from './support.ts';

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

async function screenMatching(session: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', session);
    if (pattern.test(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`screen never matched ${pattern}:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('demo: sample servers and syncs on the dashboard, a run to watch, nothing left on exit', async () => {
  const session = `demo-${process.pid}`;
  const before = new Set(fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('imap-migrate-demo-')));
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '120',
    '-y',
    '32',
    `${process.execPath} ${BIN} demo; echo "EXITED rc=$?"; sleep 30`,
  );
  try {
    await screenMatching(session, /IMAP Syncs 2 syncs/);
    const list = tmux('capture-pane', '-p', '-t', session);
    assert.match(list, /SyncFlagNew\s+No\s+127\.0\.0\.1\s+Manual/);
    tmux('send-keys', '-t', session, 'Enter');
    await screenMatching(session, /Status\s+Manual/);
    tmux('send-keys', '-t', session, 's');
    const done = await screenMatching(session, /Pending \| Complete \| Total Accounts: 0 \| 4 \| 4/, 60_000);
    assert.match(done, /ann@demo\.example\s+290\s+290/);
    tmux('send-keys', '-t', session, 'q');
    await screenMatching(session, /EXITED rc=0/);
  } finally {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone
    }
  }
  const left = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('imap-migrate-demo-') && !before.has(name));
  assert.deepEqual(left, [], 'the demo removed its servers and data');
});
