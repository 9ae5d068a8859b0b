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
  /** Milliseconds left at the current rate, when known. */
  etaMs?: number;
}

export const WINDOW_MS = 15_000;

export function totals(records: AccountRunRecord[]) {
  let downloaded = 0;
  let bytes = 0;
  let remaining = 0;
  for (const r of records) {
    downloaded += r.counters.downloaded;
    bytes += r.counters.bytesDownloaded;
    if (r.status === 'running' || r.status === 'pending')
      remaining += Math.max(0, r.counters.messages - r.counters.downloaded);
  }
  return { downloaded, bytes, remaining };
}

/** Adds a sample and returns the rates over the window (undefined until two samples). */
export function addSample(
  samples: Sample[],
  sample: Sample,
  remaining: number,
  windowMs = WINDOW_MS,
): Throughput | undefined {
  samples.push(sample);
  while (samples.length > 2 && sample.at - samples[0]!.at > windowMs) samples.shift();
  const first = samples[0]!;
  const seconds = (sample.at - first.at) / 1000;
  if (seconds < 0.5) return undefined;
  const messagesPerSecond = Math.max(0, (sample.messages - first.messages) / seconds);
  const bytesPerSecond = Math.max(0, (sample.bytes - first.bytes) / seconds);
  return {
    messagesPerSecond,
    bytesPerSecond,
    etaMs: messagesPerSecond > 0 ? (remaining / messagesPerSecond) * 1000 : undefined,
  };
}

/** The throughput of `runId` while `running`; resets when the run changes. */
export function useThroughput(
  runId: string | undefined,
  records: AccountRunRecord[],
  running: boolean,
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
  const now = Date.now();
  // One sample per 250 ms at most, whatever the render rate.
  if (now - s.lastAt >= 250) {
    const t = totals(records);
    s.last = addSample(s.samples, { at: now, messages: t.downloaded, bytes: t.bytes }, t.remaining) ?? s.last;
    s.lastAt = now;
  }
  return s.last;
}
