// The summary of a sync (docs/spec.md D1): two columns of label and value, eight lines.
import { Box, Text } from 'ink';
import { connectionsOf } from '../../shared/fields.ts';
import type { RunRecord, SyncRecord } from '../backend.ts';
import {
  formatBytes,
  formatDuration,
  formatRate,
  formatTime,
  MODE_NAMES,
  runningTimeMs,
  TLS_NAMES,
  yesNo,
} from '../format.ts';
import { color, fit, statusTone, type Tone } from '../layout.ts';
import type { Throughput } from '../throughput.ts';

export const SUMMARY_LINES = 8;

interface Field {
  label: string;
  value: string;
  tone?: Tone;
}

export interface SummaryProps {
  sync: SyncRecord;
  /** The newest run. */
  run: RunRecord | undefined;
  progress: { pending: number; complete: number; total: number };
  throughput: Throughput | undefined;
  running: boolean;
  now: number;
  width: number;
}

function loopText(sync: SyncRecord): string {
  if (!sync.loopUntil) return 'No';
  const hours = sync.loopIntervalMs / 3_600_000;
  return `Yes, every ${hours >= 1 && Number.isInteger(hours) ? `${hours}h` : `${Math.round(sync.loopIntervalMs / 60_000)}m`}`;
}

export function SyncSummary({ sync, run, progress, throughput, running, now, width }: SummaryProps) {
  const started = run?.startedAt;
  const ended = run?.completedAt;
  // Known while it runs, once it has ended or paused; the time spent paused does not count.
  const runningMs = runningTimeMs(run, running, now);
  const rate = running
    ? throughput
      ? `${formatRate(throughput.messagesPerSecond)} msg/s ${formatBytes(throughput.bytesPerSecond)}/s ETA ${throughput.etaMs === undefined ? '?' : formatDuration(throughput.etaMs)}`
      : 'measuring…'
    : '-';
  const left: Field[] = [
    { label: 'Date Created', value: formatTime(sync.createdAt) },
    {
      label: 'Start Time',
      value:
        formatTime(started ?? (sync.status === 'Scheduled' ? sync.nextRunAt : undefined)) +
        (!started && sync.nextRunAt ? ' (due)' : ''),
    },
    { label: 'Running Time', value: runningMs === undefined ? '-' : formatDuration(runningMs) },
    { label: 'Complete Time', value: formatTime(ended) },
    { label: 'Status', value: sync.status, tone: statusTone(sync.status) },
    { label: 'Pend|Comp|Tot', value: `${progress.pending} | ${progress.complete} | ${progress.total}` },
    { label: 'Threads', value: String(sync.threads) },
    { label: 'Connections', value: `${connectionsOf(sync)} per user` },
  ];
  const right: Field[] = [
    { label: 'IMAP Server', value: sync.source.host },
    {
      label: 'Port / TLS',
      value: `${sync.source.port} / ${TLS_NAMES[sync.source.tls]}${sync.source.allowInvalidCert ? ' (cert not verified)' : ''}`,
    },
    { label: 'Sync Mode', value: MODE_NAMES[sync.mode] },
    { label: 'Dry Run', value: yesNo(sync.dryRun), tone: sync.dryRun ? 'warn' : undefined },
    { label: 'Loop', value: loopText(sync) },
    { label: 'Loop Until', value: formatTime(sync.loopUntil) },
    { label: 'Throughput', value: rate },
    { label: '', value: '' },
  ];
  const leftWidth = Math.min(48, Math.max(35, Math.floor(width * 0.42)));
  const rightWidth = Math.min(72, Math.max(20, width - leftWidth));
  const cell = (field: Field, total: number, labelWidth: number) => (
    <Text wrap="truncate">
      <Text color={color('muted')}>{fit(field.label, labelWidth) + ' '}</Text>
      <Text color={field.tone ? color(field.tone) : undefined} bold={field.label === 'Status'}>
        {fit(field.value, total - labelWidth - 1)}
      </Text>
    </Text>
  );
  return (
    <Box flexDirection="column" height={SUMMARY_LINES}>
      {left.map((field, i) => (
        <Box key={field.label} flexDirection="row">
          <Box width={leftWidth}>{cell(field, leftWidth - 1, 13)}</Box>
          <Box width={rightWidth}>{cell(right[i]!, rightWidth, 11)}</Box>
        </Box>
      ))}
    </Box>
  );
}
