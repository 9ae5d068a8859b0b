// The sync list (docs/spec.md L1, L2): every sync, newest first, live; open, new, recreate, filter.
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { DashboardBackend, SyncRecord, SyncRow } from '../backend.ts';
import { Table, navigate, tableWidth, type Column, type Row } from '../components/Table.tsx';
import { StatusLine } from '../components/StatusLine.tsx';
import { TextField, editText } from '../components/TextField.tsx';
import { formatShortTime, formatTime, MODE_NAMES, yesNo } from '../format.ts';
import { useLoad, useSelection } from '../hooks.ts';
import { helpOf, layerCommands, matches } from '../keymap.ts';
import { color, statusTone } from '../layout.ts';
import { useHints, useKeys } from '../router.tsx';

export const syncListKeys = helpOf(layerCommands.list);
// Short enough that every key, S settings the last, fits at 80 columns beside ? help and q quit.
const hints = helpOf(['open', 'newSync', 'recreate', 'filter', 'directory', 'settings'], {
  newSync: { description: 'new' },
});

/** The id prefix the list shows; the CLI and the details title accept it. */
const ID_WIDTH = 8;

export interface SyncListProps {
  backend: DashboardBackend;
  isActive: boolean;
  width: number;
  height: number;
  onOpen(syncId: string): void;
  onNew(): void;
  onRecreate(sync: SyncRecord): void;
  onDirectory(): void;
  onSettings(): void;
}

function columnsFor(width: number): { columns: Column[]; wide: boolean } {
  const wide = width >= 120;
  const fixed: Column[] = [
    { title: 'ID', width: ID_WIDTH },
    { title: 'Start Time', width: wide ? 20 : 12 },
    { title: wide ? 'Complete Time' : 'Complete', width: wide ? 19 : 11 },
    { title: 'Sync Mode', width: 11 },
    { title: wide ? 'Dry Run' : 'Dry', width: wide ? 7 : 3 },
    { title: 'IMAP Server', width: 0 },
    { title: 'Status', width: wide ? 20 : 17 },
    { title: wide ? 'Accounts' : 'Accts', width: wide ? 8 : 5, align: 'right' },
  ];
  const server = fixed[5]!;
  server.width = Math.min(48, Math.max(8, width - tableWidth(fixed) - 1));
  return { columns: fixed, wide };
}

const shortStatus = (status: string, wide: boolean) =>
  !wide && status === 'Complete with errors' ? 'Complete (errors)' : status;

/** A sync that has not run yet and waits for its start shows when, marked `*` (scheduled). */
function startCell(sync: SyncRecord, lastRun: SyncRow['lastRun'], time: (iso: string | undefined) => string) {
  if (lastRun || sync.status !== 'Scheduled' || !sync.nextRunAt) return time(lastRun?.startedAt);
  return { text: `${time(sync.nextRunAt)}*`, tone: 'muted' as const };
}

export function rowOf({ sync, lastRun }: SyncRow, wide: boolean): Row {
  const time = wide ? formatTime : formatShortTime;
  return {
    id: sync.id,
    cells: [
      sync.id.slice(0, ID_WIDTH),
      startCell(sync, lastRun, time),
      time(lastRun?.completedAt),
      MODE_NAMES[sync.mode],
      yesNo(sync.dryRun),
      `${sync.source.host}`,
      { text: shortStatus(sync.status, wide), tone: statusTone(sync.status) },
      String(sync.accounts.length),
    ],
  };
}

const matchesFilter = (row: SyncRow, filter: string) => {
  if (!filter) return true;
  const text = [
    row.sync.id,
    row.sync.source.host,
    row.sync.status,
    MODE_NAMES[row.sync.mode],
    row.sync.dryRun ? 'dry' : '',
    ...row.sync.accounts.map((a) => a.email),
  ]
    .join(' ')
    .toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
};

export function SyncList({
  backend,
  isActive,
  width,
  height,
  onOpen,
  onNew,
  onRecreate,
  onDirectory,
  onSettings,
}: SyncListProps) {
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState(false);
  const loaded = useLoad(() => backend.listSyncs(), {
    backend,
    active: isActive,
    interval: (rows) => (rows?.some((r) => r.sync.status === 'Running') ? 500 : 2000),
  });
  const all = [...(loaded.data ?? [])].sort((a, b) => b.sync.createdAt.localeCompare(a.sync.createdAt));
  const rows = all.filter((row) => matchesFilter(row, filter));
  const selection = useSelection(rows.map((r) => r.sync.id));
  const selectedRow = rows[selection.index];
  const { columns, wide } = columnsFor(width);
  // Title, status line, table title (filter), table header.
  const tableRows = Math.max(1, height - 4);

  useHints(
    editing
      ? [
          { keys: 'Enter', description: 'keep filter' },
          { keys: 'Esc', description: 'clear filter' },
        ]
      : hints,
    isActive,
  );

  useKeys((input, key) => {
    if (editing) {
      if (matches('open', input, key)) setEditing(false);
      else if (matches('back', input, key)) {
        setFilter('');
        setEditing(false);
      } else {
        const next = editText(filter, input, key);
        if (next !== undefined) setFilter(next);
        else navigate(input, key, selection.index, rows.length, tableRows, selection.moveTo);
      }
      return true;
    }
    if (navigate(input, key, selection.index, rows.length, tableRows, selection.moveTo)) return true;
    if (matches('open', input, key)) {
      if (selectedRow) onOpen(selectedRow.sync.id);
    } else if (matches('newSync', input, key)) onNew();
    else if (matches('recreate', input, key)) {
      if (selectedRow) onRecreate(selectedRow.sync);
    } else if (matches('filter', input, key)) setEditing(true);
    else if (matches('directory', input, key)) onDirectory();
    else if (matches('settings', input, key)) onSettings();
    else if (matches('back', input, key) && filter) setFilter('');
    else return false;
    return true;
  }, isActive);

  const running = all.filter((r) => r.sync.status === 'Running').length;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        {'IMAP Syncs '}
        <Text color={color('muted')}>
          {`${all.length} sync${all.length === 1 ? '' : 's'}`}
          {running ? `, ${running} running` : ''}
          {`  ·  ${backend.dataDir}`}
        </Text>
      </Text>
      <StatusLine notice={loaded.error ? { text: loaded.error, kind: 'error' } : undefined} />
      <Table
        columns={columns}
        rows={rows.map((row) => rowOf(row, wide))}
        selected={selection.index}
        height={tableRows}
        empty={
          loaded.data ? (filter ? 'No sync matches the filter.' : 'No syncs yet: press n to create one.') : 'Loading…'
        }
        title={
          editing ? (
            <TextField label="Filter:" value={filter} hint={`${rows.length} of ${all.length}`} width={width - 12} />
          ) : filter ? (
            <Text
              color={color('muted')}
            >{`Filter: ${filter}  (${rows.length} of ${all.length}; / edit, Esc clear)`}</Text>
          ) : all.some((row) => !row.lastRun && row.sync.status === 'Scheduled') ? (
            <Text color={color('muted')}>{'* scheduled start'}</Text>
          ) : (
            ''
          )
        }
      />
    </Box>
  );
}
