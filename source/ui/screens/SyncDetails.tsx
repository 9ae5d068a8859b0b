// Sync details (docs/spec.md D1–D6): summary, controls, notes, history and the live account table.
import { Box, Text } from 'ink';
import path from 'node:path';
import { useEffect, useState } from 'react';
import type { Control, ControlTable, DashboardBackend, SyncRecord } from '../backend.ts';
import { mergeLive, progressOf, sortAccounts, type SortKey } from '../accounts.ts';
import { AccountTable, nextSortField } from '../components/AccountTable.tsx';
import { DetailPopup, detailLines, type DetailEntry } from '../components/DetailPopup.tsx';
import { HistoryPane } from '../components/HistoryPane.tsx';
import { ProgressLine } from '../components/ProgressBar.tsx';
import { noticeLines, StatusLine, useTransientNotice, type Notice } from '../components/StatusLine.tsx';
import { SUMMARY_LINES, SyncSummary } from '../components/SyncSummary.tsx';
import { navigate } from '../components/Table.tsx';
import { TextField, editText } from '../components/TextField.tsx';
import { errorMessage, fileStamp, formatTime } from '../format.ts';
import { useLoad, useSelection } from '../hooks.ts';
import { helpOf, layerCommands, matches, type Command, type KeyHelp } from '../keymap.ts';
import { color, statusTone } from '../layout.ts';
import { useHints, useKeys, useRouter } from '../router.tsx';
import { useThroughput } from '../throughput.ts';

const CONTROL_COMMANDS: readonly Command[] = ['start', 'pause', 'stop', 'restart', 'recreate'];
/** The view's keys: the layer's commands (keymap.ts) less the controls. */
const VIEW: Command[] = layerCommands.details.filter((command) => !CONTROL_COMMANDS.includes(command));

/** Every key of the screen (for `?`). */
export const syncDetailsKeys: KeyHelp[] = [
  ...helpOf(CONTROL_COMMANDS),
  ...helpOf(VIEW, { open: { description: 'account detail' } }),
];

/** The keys of the controls: `s` also resumes a paused run (as does `p` again, a toggle). */
const CONTROL_KEYS: readonly ('start' | 'pause' | 'stop' | 'restart')[] = ['start', 'pause', 'stop', 'restart'];

/** The control a key means in the sync's state: on a paused run, `s` and `p` resume it. */
function controlOfKey(key: (typeof CONTROL_KEYS)[number], controls: ControlTable | undefined): Control {
  return (key === 'start' || key === 'pause') && controls?.resume.applies ? 'resume' : key;
}

/** The hint bar: only the controls valid now (the engine's table, through the backend). */
function hintsFor(controls: ControlTable | undefined): KeyHelp[] {
  const keys = CONTROL_KEYS.filter((key) => key !== 'pause' && controls?.[controlOfKey(key, controls)].applies);
  const pause = controls?.pause.applies || controls?.resume.applies;
  return [
    ...helpOf(keys, controls?.resume.applies ? { start: { description: 'resume' } } : {}),
    ...(pause ? helpOf(['pause'], controls?.resume.applies ? { pause: { description: 'resume' } } : {}) : []),
    ...helpOf(['threadsUp', 'note', 'open', 'prevRun', 'sortNext', 'historyMore', 'exportCsv'], {
      threadsUp: { keys: '+/-', description: 'threads' },
      prevRun: { keys: '[ ]', description: 'run' },
      sortNext: { keys: '< >', description: 'sort' },
      historyMore: { keys: 'm/l', description: 'history' },
      open: { description: 'account' },
      exportCsv: { description: 'CSV' },
    }),
  ];
}

/** History lines `m` adds and `l` takes away. */
const HISTORY_STEP = 5;

export interface SyncDetailsProps {
  backend: DashboardBackend;
  syncId: string;
  isActive: boolean;
  width: number;
  height: number;
  onOpenAccount(runId: string, account: string): void;
  onRecreate(sync: SyncRecord): void;
}

export function SyncDetails({ backend, syncId, isActive, width, height, onOpenAccount, onRecreate }: SyncDetailsProps) {
  const router = useRouter();
  const [runChoice, setRunChoice] = useState<string | undefined>(undefined);
  const [sort, setSort] = useState<SortKey>({ field: 'user', descending: false });
  const [historyCount, setHistoryCount] = useState(height >= 40 ? 8 : 3);
  const { notice, setNotice, clearOlderThan } = useTransientNotice();
  const [note, setNote] = useState<string | undefined>(undefined);
  const [exportPath, setExportPath] = useState<string | undefined>(undefined);
  const [popup, setPopup] = useState<{ title: string; entries: DetailEntry[]; offset: number } | undefined>(undefined);

  const loaded = useLoad(
    async () => {
      const detail = await backend.getSync(syncId);
      const runId = runChoice && detail.runs.some((r) => r.id === runChoice) ? runChoice : detail.runs[0]?.id;
      const stored = runId ? await backend.accountRuns(runId) : [];
      const live = backend.liveRuns();
      return {
        detail,
        runId,
        records: mergeLive(stored, live, runId),
        live: live.some((l) => l.syncId === detail.sync.id),
      };
    },
    {
      backend,
      active: isActive,
      interval: (d) => (!d || d.live || d.detail.sync.status === 'Running' ? 500 : 2000),
      relevant: (event) => event.syncId === syncId,
      deps: [runChoice, syncId],
    },
  );
  const data = loaded.data;
  const sync = data?.detail.sync;
  const runs = data?.detail.runs ?? [];
  const runIndex = Math.max(
    0,
    runs.findIndex((r) => r.id === data?.runId),
  );
  const run = runs[runIndex];
  const running = sync?.status === 'Running' && runIndex === 0;
  const records = sortAccounts(data?.records ?? [], sort);
  const progress = progressOf(data?.records ?? [], sync?.accounts.length ?? 0);
  const throughput = useThroughput(run?.id, data?.records ?? [], running, sync?.accounts.length ?? 0);
  const selection = useSelection(records.map((r) => r.account));

  // A confirmation of what was done goes once the status has changed since (issue 17.10).
  useEffect(() => clearOlderThan(1500), [sync?.status, clearOlderThan]);

  const history = data?.detail.history ?? [];
  const shownNotice: Notice | undefined =
    loaded.error && (!data || !notice) ? { text: loaded.error, kind: 'error' } : notice;
  const statusLines = noticeLines(shownNotice, width);
  // Title, status line(s), summary, history title, run line, table title and header; `m` may
  // take the account table down to one row (at 80x24 the history has room for a few more lines).
  const maxHistory = Math.max(1, height - (1 + statusLines + SUMMARY_LINES + 1 + 3) - 1);
  const shownHistory = Math.min(historyCount, history.length, maxHistory);
  const fixed = 1 + statusLines + SUMMARY_LINES + (shownHistory + 1) + 2 + 1;
  const tableRows = Math.max(1, height - fixed);

  useHints(
    exportPath !== undefined
      ? [
          { keys: 'Enter', description: 'export' },
          { keys: 'Esc', description: 'cancel' },
        ]
      : note !== undefined
        ? [
            { keys: 'Enter', description: 'add note' },
            { keys: 'Esc', description: 'cancel' },
          ]
        : hintsFor(data?.detail.controls),
    isActive,
  );

  const act = (label: string, done: string, command: () => Promise<void>) => {
    setNotice({ text: label, kind: 'info' });
    command()
      .then(
        () => setNotice({ text: done, kind: 'ok' }),
        (error: unknown) => setNotice({ text: errorMessage(error), kind: 'error' }),
      )
      .finally(() => loaded.refresh());
  };

  const control = (key: (typeof CONTROL_KEYS)[number]) => {
    if (!sync || !data) return;
    const controls = data.detail.controls;
    const which = controlOfKey(key, controls);
    if (!controls[which].applies) {
      const valid = CONTROL_KEYS.filter((k) => controls[controlOfKey(k, controls)].applies);
      setNotice({
        text: `${which} does not apply to a ${sync.status} sync: ${controls[which].reason}${valid.length ? `; here: ${valid.join(', ')}` : ''}`,
        kind: 'error',
      });
      return;
    }
    const id = sync.id;
    if (which === 'start') act('Starting…', 'Started.', () => backend.start(id));
    if (which === 'resume') act('Resuming the paused run…', 'Resumed.', () => backend.resume(id));
    if (which === 'restart')
      act('Restarting: a new run continues where the last left off…', 'Restarted.', () => backend.restart(id));
    if (which === 'pause') act('Pausing: accounts stop at the next safe point…', 'Paused.', () => backend.pause(id));
    if (which === 'stop') {
      router.confirm({
        message: `Stop sync ${id.slice(0, 8)} (${sync.source.host})?${sync.status === 'Running' ? ' Accounts in progress stop at a safe point.' : ''}`,
        dangerous: true,
        onYes: () => act('Stopping: accounts stop at the next safe point…', 'Stopped.', () => backend.stop(id)),
      });
    }
  };

  const threads = (delta: number) => {
    if (!sync) return;
    const next = Math.max(1, Math.min(64, sync.threads + delta));
    if (next === sync.threads)
      return setNotice({ text: `threads stay between 1 and 64 (now ${sync.threads})`, kind: 'error' });
    act(
      `Threads ${sync.threads} → ${next}…`,
      `Threads: ${next}${sync.status === 'Running' ? ' (accounts in progress keep going)' : ''}.`,
      () => backend.setThreads(sync.id, next),
    );
  };

  /** `e`: the destination path to confirm or edit, the data dir's exports/ by default (issue 17.5). */
  const exportCsv = () => {
    if (!sync || !run) return setNotice({ text: 'this sync has no run to export yet', kind: 'error' });
    setExportPath(path.join(backend.exportsDir, `imap-migrate-${sync.id}-${fileStamp(run.startedAt)}.csv`));
  };

  const writeExport = (file: string) => {
    if (!run) return;
    setNotice({ text: 'Exporting…', kind: 'info' });
    backend.exportRunCsv(run.id, path.resolve(file)).then(
      (written) => setNotice({ text: `Exported the run of ${formatTime(run.startedAt)} to ${written}`, kind: 'ok' }),
      (error: unknown) => setNotice({ text: errorMessage(error), kind: 'error' }),
    );
  };

  const chooseRun = (index: number) => {
    const next = runs[Math.max(0, Math.min(runs.length - 1, index))];
    // The newest run is "follow the newest": a restart shows its new run.
    setRunChoice(next && next !== runs[0] ? next.id : undefined);
  };

  useKeys((input, key) => {
    if (popup) {
      const count = detailLines(popup.entries, width).length;
      const move = (offset: number) => setPopup({ ...popup, offset: Math.max(0, Math.min(count - 1, offset)) });
      if (matches('back', input, key) || matches('open', input, key) || matches('details', input, key))
        setPopup(undefined);
      else navigate(input, key, popup.offset, count, Math.max(1, height - 5), move);
      return true;
    }
    if (exportPath !== undefined) {
      if (matches('open', input, key)) {
        setExportPath(undefined);
        if (exportPath.trim()) writeExport(exportPath.trim());
      } else if (matches('back', input, key)) setExportPath(undefined);
      else {
        const next = editText(exportPath, input, key);
        if (next !== undefined) setExportPath(next);
      }
      return true;
    }
    if (note !== undefined) {
      if (matches('open', input, key)) {
        const text = note.trim();
        setNote(undefined);
        if (text && sync) act('Adding the note…', 'Note added to the history.', () => backend.addNote(sync.id, text));
      } else if (matches('back', input, key)) setNote(undefined);
      else {
        const next = editText(note, input, key);
        if (next !== undefined) setNote(next);
      }
      return true;
    }
    if (navigate(input, key, selection.index, records.length, tableRows, selection.moveTo)) return true;
    if (matches('open', input, key)) {
      if (run && selection.selectedId) onOpenAccount(run.id, selection.selectedId);
    } else if (matches('start', input, key)) control('start');
    else if (matches('pause', input, key)) control('pause');
    else if (matches('stop', input, key)) control('stop');
    else if (matches('restart', input, key)) control('restart');
    else if (matches('recreate', input, key) && sync) onRecreate(sync);
    else if (matches('threadsUp', input, key)) threads(1);
    else if (matches('threadsDown', input, key)) threads(-1);
    else if (matches('note', input, key)) setNote('');
    else if (matches('historyMore', input, key)) {
      if (shownHistory >= history.length)
        setNotice({ text: `all ${history.length} history entries are shown`, kind: 'ok' });
      else if (shownHistory >= maxHistory)
        setNotice({ text: 'no room for more history: a taller terminal shows more', kind: 'error' });
      setHistoryCount(Math.min(maxHistory, shownHistory + HISTORY_STEP, history.length || 1));
    } else if (matches('historyLess', input, key)) setHistoryCount(Math.max(1, shownHistory - HISTORY_STEP));
    else if (matches('prevRun', input, key)) chooseRun(runIndex + 1);
    else if (matches('nextRun', input, key)) chooseRun(runIndex - 1);
    else if (matches('sortPrev', input, key))
      setSort({ field: nextSortField(width, sort.field, -1), descending: false });
    else if (matches('sortNext', input, key))
      setSort({ field: nextSortField(width, sort.field, 1), descending: false });
    else if (matches('sortReverse', input, key)) setSort({ ...sort, descending: !sort.descending });
    else if (matches('exportCsv', input, key)) exportCsv();
    else if (matches('details', input, key))
      setPopup({
        title: `History of sync ${syncId.slice(0, 8)}`,
        offset: 0,
        entries: history.map((entry) => ({
          heading: `${formatTime(entry.at)}  ${entry.type}${entry.user ? `  (${entry.user})` : ''}`,
          body: entry.note,
        })),
      });
    else return false;
    return true;
  }, isActive);

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        {`Sync ${syncId.slice(0, 8)} `}
        {sync ? <Text color={color(statusTone(sync.status))}>{sync.status}</Text> : null}
        <Text color={color('muted')}>
          {sync
            ? `  ${sync.source.host}${sync.recreatedFrom ? `  (recreated from ${sync.recreatedFrom.slice(0, 8)})` : ''}`
            : '  loading…'}
        </Text>
      </Text>
      {exportPath !== undefined ? (
        <TextField label="Export to:" value={exportPath} hint="(Enter export, Esc cancel)" width={width} />
      ) : note !== undefined ? (
        <TextField label="Note:" value={note} hint="(Enter add, Esc cancel)" width={width} />
      ) : (
        <StatusLine wrap notice={shownNotice} />
      )}
      {popup ? (
        <DetailPopup
          title={popup.title}
          entries={popup.entries}
          offset={popup.offset}
          width={width}
          height={Math.max(3, height - 1 - statusLines)}
        />
      ) : sync ? (
        <>
          <SyncSummary
            sync={sync}
            run={runs[0]}
            progress={progress}
            throughput={throughput}
            running={sync.status === 'Running'}
            now={Date.now()}
            width={width}
          />
          <HistoryPane history={history} count={shownHistory} width={width} />
          <Text wrap="truncate">
            <Text bold>{'Accounts '}</Text>
            {run ? `of the run started ${formatTime(run.startedAt)}` : 'no run yet'}
            <Text color={color('muted')}>
              {runs.length > 1 ? `  (run ${runs.length - runIndex} of ${runs.length}; [ ] other runs)` : ''}
            </Text>
          </Text>
          <AccountTable
            records={records}
            selected={selection.index}
            sort={sort}
            width={width}
            height={tableRows}
            focused
            title={<ProgressLine {...progress} width={width - 14} />}
          />
        </>
      ) : null}
    </Box>
  );
}
