// A lane's reconnects (source/engine/lane.ts) with stand-in connections and no real waiting: a
// transient failure reconnects after the backoff's delay and runs the step again; a lasting one,
// or retries spent, ends the step; an abort while waiting pauses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapError } from '../../source/imap/connection.ts';
import type { ImapSession } from '../../source/imap/session.ts';
import { AccountStop } from '../../source/engine/folderContext.ts';
import { Lane, type LaneDeps, type Sessions } from '../../source/engine/lane.ts';

function stubs(overrides: Partial<LaneDeps> = {}) {
  const opened: Sessions[] = [];
  const slept: number[] = [];
  const notes: string[] = [];
  const session = () => {
    const stub = { usable: true, closed: false, close: async () => void (stub.closed = true) };
    return stub as unknown as ImapSession & { closed: boolean };
  };
  const deps: LaneDeps = {
    openBoth: async () => {
      const sessions = { source: session(), destination: session() };
      opened.push(sessions);
      return sessions;
    },
    progress: () => 0,
    note: (line) => notes.push(line),
    sleep: async (ms) => void slept.push(ms),
    retryBaseMs: 100,
    maxRetries: 3,
    random: () => 1,
    ...overrides,
  };
  return { deps, opened, slept, notes };
}

const dropped = () => new ImapError('CONNECTION_LOST', 'connection lost', true);

test('a transient failure: the lane closes its connections, waits, reconnects and runs the step again', async () => {
  const { deps, opened, slept, notes } = stubs();
  const lane = new Lane(deps);
  let calls = 0;
  const result = await lane.withReconnect(async (sessions) => {
    calls += 1;
    if (calls < 3) throw dropped();
    return sessions === opened[2] ? 'on the third pair' : 'wrong pair';
  });
  assert.equal(result, 'on the third pair');
  assert.deepEqual(slept, [100, 200]);
  assert.equal((opened[0].source as unknown as { closed: boolean }).closed, true);
  assert.match(notes[1], /connection lost; reconnecting in 0\.2 s \(attempt 2 of 3\)/);
});

test('a lasting failure is not retried; a transient one is given up after maxRetries', async () => {
  const { deps, slept } = stubs();
  const refused = new ImapError('AUTH_FAILED', 'login refused', false);
  await assert.rejects(
    new Lane(deps).withReconnect(async () => {
      throw refused;
    }),
    (error) => error === refused,
  );
  assert.deepEqual(slept, []);
  await assert.rejects(
    new Lane(deps).withReconnect(async () => {
      throw dropped();
    }),
    /connection lost/,
  );
  assert.deepEqual(slept, [100, 200, 400], 'three retries, then the error');
});

test('stopped while waiting to reconnect: the account stops, no step runs again', async () => {
  const controller = new AbortController();
  const { deps } = stubs({ signal: controller.signal, sleep: async () => controller.abort('stop') });
  let calls = 0;
  await assert.rejects(
    new Lane(deps).withReconnect(async () => {
      calls += 1;
      throw dropped();
    }),
    (error) => error instanceof AccountStop && error.reason === 'stop',
  );
  assert.equal(calls, 1);
});
