// A password asked on the terminal (issue 7 item 6): typed without echo, stored sealed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, run, tempDir } from './support.ts';

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

test('destination set asks for the admin password on a terminal, without echo', async () => {
  const root = tempDir();
  const dataDir = path.join(root, 'data');
  const session = `prompt-${process.pid}`;
  const done = path.join(root, 'done');
  const command = `${process.execPath} ${BIN} --data-dir ${dataDir} destination set --host 127.0.0.1 --port 1143 --tls none --admin-user admin; echo rc=$? > ${done}; sleep 30`;
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '20', command);
  try {
    const deadline = Date.now() + 20_000;
    while (!/Password of the destination admin admin:/.test(tmux('capture-pane', '-p', '-t', session))) {
      if (Date.now() > deadline) throw new Error(`no prompt:\n${tmux('capture-pane', '-p', '-t', session)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    tmux('send-keys', '-t', session, '-l', 'typed s3cret pw');
    tmux('send-keys', '-t', session, 'Enter');
    while (!fs.existsSync(done)) {
      if (Date.now() > deadline) throw new Error('the command did not finish');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const screen = tmux('capture-pane', '-p', '-t', session);
    assert.equal(fs.readFileSync(done, 'utf8').trim(), 'rc=0', screen);
    assert.doesNotMatch(screen, /s3cret/, 'the password is not echoed');
    const shown = JSON.parse((await run(['destination', 'show', '--json'], { dataDir })).stdout);
    assert.equal(shown.adminUser, 'admin');
    assert.ok(shown.hasAdminPassword ?? shown.adminPassword, JSON.stringify(shown));
  } finally {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone
    }
  }
});

test('without a terminal a missing password is a one-line error, not a prompt', async () => {
  const result = await run(['destination', 'set', '--host', 'h', '--admin-user', 'admin'], {
    dataDir: path.join(tempDir(), 'data'),
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--admin-user needs a password/);
});
