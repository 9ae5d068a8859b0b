// One account of one run (docs/spec.md A1–A4): its counters, error log and download log.
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { AccountRunRecord, DashboardBackend } from '../backend.ts';
import { mergeLive } from '../accounts.ts';
import { LogPane, scrollBy, wrapLines, type Scroll } from '../components/LogPane.tsx';
import { StatusLine } from '../components/StatusLine.tsx';
import { formatTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { helpOf, matches, type KeyHelp } from '../keymap.ts';
import { color, fit, statusTone } from '../layout.ts';
import { useHints, useKeys } from '../router.tsx';

export const accountDetailKeys: KeyHelp[] = [
  ...helpOf(['focusNext'], { focusNext: { description: 'error log / download log' } }),
  ...helpOf(['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom'], {
    top: { description: 'first line' },
    bottom: { description: 'last line (follows new lines)' },
  }),
  { keys: 'Esc', description: 'return to the sync', category: 'General' },
];

export interface AccountDetailProps {
  backend: DashboardBackend;
  runId: string;
  account: string;
  isActive: boolean;
  width: number;
  height: number;
}

function fieldsOf(
  r: AccountRunRecord | undefined,
): { label: string; value: string; tone?: ReturnType<typeof statusTone> }[] {
  const c = r?.counters;
  const n = (v: number | undefined) => (v === undefined ? '-' : String(v));
  return [
    { label: 'User', value: r?.account ?? '-' },
    {
      label: 'Status',
      value: r ? r.status + (r.planned ? ' (dry run: planned)' : '') : '-',
      tone: r ? statusTone(r.status) : undefined,
    },
    { label: 'Total Messages', value: n(c?.messages) },
    { label: 'Messages Downloaded', value: n(c?.downloaded) },
    { label: 'Messages Deleted', value: n(c?.messagesDeleted) },
    { label: 'Duplicates Deleted', value: n(c?.duplicatesDeleted) },
    { label: 'Folders Created', value: n(c?.foldersCreated) },
    { label: 'Folders Deleted', value: n(c?.foldersDeleted) },
    { label: 'Flags Changed', value: n(c?.flagsChanged) },
    { label: 'Complete Time', value: formatTime(r?.completedAt) },
    { label: 'Errors', value: n(c?.errors), tone: c?.errors ? 'error' : undefined },
  ];
}

export function AccountDetail({ backend, runId, account, isActive, width, height }: AccountDetailProps) {
  const [focus, setFocus] = useState<'errors' | 'log'>('errors');
  const [scrolls, setScrolls] = useState<{ errors: Scroll; log: Scroll }>({ errors: 0, log: 'end' });
  const loaded = useLoad(
    async () => {
      const records = mergeLive(await backend.accountRuns(runId), backend.liveRuns(), runId);
      return { record: records.find((r) => r.account === account) };
    },
    {
      backend,
      active: isActive,
      interval: (d) => (!d?.record || d.record.status === 'running' || d.record.status === 'pending' ? 500 : 2000),
      relevant: (e) => e.type === 'status' || e.event.account === account,
    },
  );
  const record = loaded.data?.record;

  const fields = fieldsOf(record);
  const columns = width >= 120 ? 3 : 2;
  const columnWidth = Math.floor(width / columns);
  const fieldLines = Math.ceil(fields.length / columns);
  const errorLines = wrapLines(
    (record?.errors ?? []).map((e) => ({ text: `${formatTime(e.at)} ${e.code} ${e.detail}`, tone: 'error' as const })),
    width,
  );
  const logLines = wrapLines(
    (record?.log ?? []).map((l) => ({ text: `${formatTime(l.at)} ${l.text}` })),
    width,
  );
  const room = Math.max(4, height - 2 - fieldLines - 1);
  const errorHeight = Math.max(2, Math.min(errorLines.length + 1, Math.floor(room / 3)));
  const logHeight = Math.max(2, room - errorHeight);
  const paneHeight = { errors: errorHeight - 1, log: logHeight - 1 };
  const paneCount = { errors: errorLines.length, log: logLines.length };

  useHints(
    [
      { keys: 'Tab', description: focus === 'errors' ? 'to download log' : 'to error log' },
      { keys: '↑↓ j/k PgUp/PgDn', description: 'scroll' },
      { keys: 'g/G', description: 'top / follow' },
    ],
    isActive,
  );

  useKeys((input, key) => {
    if (matches('focusNext', input, key)) {
      setFocus(focus === 'errors' ? 'log' : 'errors');
      return true;
    }
    const next = scrollBy(input, key, scrolls[focus], paneCount[focus], paneHeight[focus]);
    if (next === undefined) return false;
    setScrolls({ ...scrolls, [focus]: next });
    return true;
  }, isActive);

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        {`Account ${account} `}
        <Text color={color('muted')}>{`  run ${runId.slice(0, 8)}  ·  Esc returns to the sync`}</Text>
      </Text>
      <StatusLine
        notice={
          loaded.error
            ? { text: loaded.error, kind: 'error' }
            : loaded.data && !record
              ? { text: `${account} has no result in this run yet`, kind: 'info' }
              : undefined
        }
      />
      <Box flexDirection="column" height={fieldLines}>
        {Array.from({ length: fieldLines }, (_, line) => (
          <Box key={line} flexDirection="row">
            {fields.slice(line * columns, line * columns + columns).map((field) => (
              <Box key={field.label} width={columnWidth}>
                <Text wrap="truncate">
                  <Text color={color('muted')}>{fit(field.label, 20)}</Text>
                  <Text color={field.tone ? color(field.tone) : undefined}>{field.value}</Text>
                </Text>
              </Box>
            ))}
          </Box>
        ))}
      </Box>
      <Text> </Text>
      <LogPane
        title="Error Log"
        lines={errorLines}
        height={errorHeight}
        scroll={scrolls.errors}
        focused={focus === 'errors'}
        empty="No errors."
      />
      <LogPane
        title="Download Log"
        lines={logLines}
        height={logHeight}
        scroll={scrolls.log}
        focused={focus === 'log'}
        empty={record ? 'Nothing logged yet.' : 'Loading…'}
      />
    </Box>
  );
}
