// Live throughput and ETA from successive snapshots of a run's counters, over a sliding
// window (docs/engineering.md section 1, "progress"). Presentation: no sync logic.
import { useRef } from 'react';
import type { AccountRunRecord } from './backend.ts';

interface Sample {
  at: number;
  messages: number;
  bytes: number;
}

export interface Throughput {
  messagesPerSecond: number;
  bytesPerSecond: number;
  /** Milliseconds left for the whole run at the current rate; undefined without a basis (`ETA ?`). */
  etaMs?: number;
}

export const WINDOW_MS = 15_000;

/** What the whole run still has to copy. */
export interface Remaining {
  messages: number;
  bytes: number;
}

export function totals(records: AccountRunRecord[]) {
  let downloaded = 0;
  let bytes = 0;
  for (const r of records) {
    downloaded += r.counters.downloaded;
    bytes += r.counters.bytesDownloaded;
  }
  return { downloaded, bytes };
}

/**
 * What the run still has to copy, for every account of the sync (issue 17.3): an account that has
 * listed its folders knows its own; an account not started yet (pending, or not in `records` at
 * all) is estimated from the average of the accounts that have; bytes from the average message
 * size copied so far. Undefined until an account has listed its folders: there is no basis yet.
 */
export function remainingWork(records: AccountRunRecord[], totalAccounts: number): Remaining | undefined {
  let known = 0;
  let workOfKnown = 0;
  let remainingMessages = 0;
  let copied = 0;
  let copiedBytes = 0;
  for (const r of records) {
    copied += r.counters.downloaded;
    copiedBytes += r.counters.bytesDownloaded;
    if (r.status === 'pending' || (r.status === 'running' && r.counters.messages === 0)) continue;
    const left = r.status === 'running' ? Math.max(0, r.counters.messages - r.counters.downloaded) : 0;
    known += 1;
    workOfKnown += r.counters.downloaded + left;
    remainingMessages += left;
  }
  if (known === 0) return undefined;
  const notStarted = Math.max(0, totalAccounts - known);
  const messages = remainingMessages + notStarted * (workOfKnown / known);
  // Bytes unknown (NaN) until a message is copied: the message rate alone then.
  return { messages, bytes: copied > 0 ? messages * (copiedBytes / copied) : NaN };
}

/** Milliseconds until `remaining` is copied at the given rates; undefined without a basis. */
export function etaOf(
  remaining: Remaining | undefined,
  rate: { messagesPerSecond: number; bytesPerSecond: number },
): number | undefined {
  if (!remaining) return undefined;
  if (remaining.messages === 0) return 0;
  const byMessages = rate.messagesPerSecond > 0 ? (remaining.messages / rate.messagesPerSecond) * 1000 : undefined;
  const byBytes =
    rate.bytesPerSecond > 0 && Number.isFinite(remaining.bytes)
      ? (remaining.bytes / rate.bytesPerSecond) * 1000
      : undefined;
  if (byMessages === undefined) return undefined;
  // Large messages copy slower than the message rate says: the slower of the two estimates.
  return byBytes === undefined ? byMessages : Math.max(byMessages, byBytes);
}

/** Adds a sample and returns the rates over the window (undefined until two samples). */
export function addSample(
  samples: Sample[],
  sample: Sample,
  remaining: number | Remaining | undefined,
  windowMs = WINDOW_MS,
): Throughput | undefined {
  samples.push(sample);
  while (samples.length > 2 && sample.at - samples[0]!.at > windowMs) samples.shift();
  const first = samples[0]!;
  const seconds = (sample.at - first.at) / 1000;
  if (seconds < 0.5) return undefined;
  const messagesPerSecond = Math.max(0, (sample.messages - first.messages) / seconds);
  const bytesPerSecond = Math.max(0, (sample.bytes - first.bytes) / seconds);
  const left = typeof remaining === 'number' ? { messages: remaining, bytes: NaN } : remaining;
  return { messagesPerSecond, bytesPerSecond, etaMs: etaOf(left, { messagesPerSecond, bytesPerSecond }) };
}

/** The throughput of `runId` while `running`; resets when the run changes. */
export function useThroughput(
  runId: string | undefined,
  records: AccountRunRecord[],
  running: boolean,
  totalAccounts: number,
  now = Date.now(),
): Throughput | undefined {
  const state = useRef<{ runId?: string; samples: Sample[]; last?: Throughput; lastAt: number }>({
    samples: [],
    lastAt: 0,
  });
  const s = state.current;
  if (s.runId !== runId || !running) {
    s.runId = runId;
    s.samples = [];
    s.last = undefined;
  }
  if (!running) return undefined;
  // One sample per 250 ms at most, whatever the render rate.
  if (now - s.lastAt >= 250) {
    const t = totals(records);
    const remaining = remainingWork(records, totalAccounts);
    s.last = addSample(s.samples, { at: now, messages: t.downloaded, bytes: t.bytes }, remaining) ?? s.last;
    s.lastAt = now;
  }
  return s.last;
}
