// The real program in tmux: keys that arrive in one read (one `send-keys` call, as over SSH or
// with a key held) each take effect: letters, Backspaces and arrows (issue 17 point 1).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, cleanEnv, ROOT, setUpDataDir, tempDir } from '../cli/support.ts';

const socket = `imap-migrate-keys-${process.pid}`;
const users = ['ann', 'ben', 'cat', 'dan'].map((name) => ({ name: `${name}@example.com`, password: `${name}-pass` }));
let dataDir: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    encoding: 'utf8',
  });
}
const screen = () => tmux('capture-pane', '-p', '-t', 'dash');
const keys = (...names: string[]) => tmux('send-keys', '-t', 'dash', ...names);

async function waitScreen(what: string, test: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (test.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  dataDir = path.join(tempDir(), 'data');
  // No server is contacted: the account directory only needs the data dir.
  await setUpDataDir(dataDir, 1, users);
});

after(() => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
});

test('letters, Backspaces and arrows sent in one send-keys call each take effect', { timeout: 60_000 }, async () => {
  tmux('new-session', '-d', '-s', 'dash', '-x', '100', '-y', '30', `${process.execPath} ${BIN} --data-dir ${dataDir}`);
  await waitScreen('the sync list', /Syncs/, 30_000);
  keys('a');
  await waitScreen('the directory', /4 of 4 accounts/);
  keys('j', 'j', 'j');
  await waitScreen('the fourth row selected', /› dan@example\.com/);
  keys('Up', 'Up');
  await waitScreen('the second row selected', /› ben@example\.com/);
  keys('k', 'j', 'j');
  await waitScreen('the third row selected', /› cat@example\.com/);
  keys('n');
  await waitScreen('the add form', /Add an account/);
  keys('-l', 'eve@example.comxyz');
  await waitScreen('the typed email', /eve@example\.comxyz/);
  keys('BSpace', 'BSpace', 'BSpace');
  const text = await waitScreen('three characters deleted', /eve@example\.com(?!x)/);
  assert.doesNotMatch(text, /eve@example\.comx/);
});
