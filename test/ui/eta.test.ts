// The ETA of a whole run (issue 17.3): from what every account still has to copy, known for the
// accounts that listed their folders and estimated for the others; with a fixed clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountRunRecord } from '../../source/ui/backend.ts';
import { addSample, etaOf, remainingWork } from '../../source/ui/throughput.ts';
import { zeroCounters } from '../../source/engine/types.ts';

function account(
  name: string,
  status: AccountRunRecord['status'],
  messages: number,
  downloaded: number,
  bytesDownloaded = downloaded * 10_000,
): AccountRunRecord {
  return {
    runId: 'run1',
    syncId: 'sync1',
    account: name,
    status,
    planned: false,
    counters: { ...zeroCounters(), messages, downloaded, bytesDownloaded },
    errors: [],
    log: [],
  };
}

test('no basis yet: no account has listed its folders, ETA unknown', () => {
  const records = [account('a', 'running', 0, 0), account('b', 'pending', 0, 0)];
  assert.equal(remainingWork(records, 40), undefined);
  assert.equal(etaOf(remainingWork(records, 40), { messagesPerSecond: 10, bytesPerSecond: 100_000 }), undefined);
});

test('40 accounts, 2 started and 38 pending: the pending ones count at the average so far', () => {
  // a: 100 to copy, 60 done; b: 100 to copy, 20 done. Average 100 per account.
  const records = [account('a', 'running', 100, 60), account('b', 'running', 100, 20)];
  const remaining = remainingWork(records, 40)!;
  assert.equal(remaining.messages, 40 + 80 + 38 * 100);
  assert.equal(remaining.bytes, remaining.messages * 10_000);
  // 10 msg/s and 100 kB/s agree: 3920 messages take 392 s.
  assert.equal(etaOf(remaining, { messagesPerSecond: 10, bytesPerSecond: 100_000 }), 392_000);
  // Large messages: the byte rate is the slower one and sets the ETA.
  assert.equal(etaOf(remaining, { messagesPerSecond: 10, bytesPerSecond: 50_000 }), 784_000);
});

test('complete accounts count in the average and leave nothing; all done is ETA 0', () => {
  const records = [account('a', 'complete', 50, 50), account('b', 'running', 150, 50), account('c', 'pending', 0, 0)];
  // a did 50, b has 150 in all: average 100; c not started.
  assert.equal(remainingWork(records, 3)!.messages, 100 + 100);
  const done = [account('a', 'complete', 50, 50), account('b', 'complete', 10, 10)];
  assert.equal(etaOf(remainingWork(done, 2), { messagesPerSecond: 0, bytesPerSecond: 0 }), 0);
});

test('with a fixed clock, the samples give the rate and the ETA of the whole run', () => {
  const samples: { at: number; messages: number; bytes: number }[] = [];
  const records = [account('a', 'running', 100, 60), account('b', 'running', 100, 20)];
  const remaining = remainingWork(records, 40);
  assert.equal(addSample(samples, { at: 1_000, messages: 0, bytes: 0 }, remaining), undefined);
  const throughput = addSample(samples, { at: 9_000, messages: 80, bytes: 800_000 }, remaining)!;
  assert.equal(throughput.messagesPerSecond, 10);
  assert.equal(throughput.etaMs, 392_000);
  // Stalled: no rate, no ETA (shown as `ETA ?`).
  addSample(samples, { at: 30_000, messages: 80, bytes: 800_000 }, remaining, 15_000);
  const stalled = addSample(samples, { at: 31_000, messages: 80, bytes: 800_000 }, remaining, 15_000)!;
  assert.equal(stalled.messagesPerSecond, 0);
  assert.equal(stalled.etaMs, undefined);
});
