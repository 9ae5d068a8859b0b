// The account directory (docs/spec.md C2): Email, Admin, Name, Password set (never the password);
// add, edit, remove, toggle admin, import a CSV, filter.
import { useHints, useKeys } from '../router.tsx';
import { Box, Text, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DashboardBackend } from '../backend.ts';
import type { KeyHelp } from '../keymap.ts';
import { color } from '../layout.ts';
import { ConfirmBox } from '../wizard/form/dialogs.tsx';
import { firstError } from '../wizard/form/form.ts';
import { FormView, StatusLine, TextValue } from '../wizard/form/FormView.tsx';
import { useLatest, useStore } from '../wizard/form/useStore.ts';
import {
  directoryKey,
  formFields,
  initialDirectory,
  visibleEntries,
  type DirectoryEffect,
  type DirectoryState,
} from './state.ts';

export const directoryKeys: KeyHelp[] = [
  { keys: 'n', description: 'add', category: 'Accounts' },
  { keys: 'e/Enter', description: 'edit', category: 'Accounts' },
  { keys: 'd', description: 'remove (asks)', category: 'Accounts', dangerous: true },
  { keys: 'A', description: 'toggle admin', category: 'Accounts' },
  { keys: 'i', description: 'import CSV', category: 'Accounts' },
  { keys: '/', description: 'filter (Enter keeps, Esc clears)', category: 'Move' },
  { keys: '↑↓ j k PgUp PgDn g G', description: 'move', category: 'Move' },
  { keys: 'Esc', description: 'back (clears the filter first)', category: 'General' },
];

type Action =
  { type: 'set'; state: DirectoryState } | { type: 'update'; update: (state: DirectoryState) => DirectoryState };
const reducer = (state: DirectoryState, action: Action) =>
  action.type === 'set' ? action.state : action.update(state);

function detailsOf(error: unknown): string[] {
  const details = (error as { details?: unknown }).details;
  return Array.isArray(details) ? details.map(String) : [];
}

/** A text field is being edited or a dialog is open: it takes every printable key (`?`, `q`) and pastes. */
const textEditing = (s: DirectoryState) => Boolean(s.filterEdit || s.form?.form.editing || s.importing || s.removing);

/** The hint bar for what is open now. */
export function directoryHints(s: DirectoryState): KeyHelp[] {
  if (s.removing)
    return [
      { keys: 'y', description: 'remove', dangerous: true },
      { keys: 'N', description: 'keep' },
    ];
  if (s.filterEdit)
    return [
      { keys: 'Enter', description: 'keep the filter' },
      { keys: 'Esc', description: 'clear it' },
    ];
  if (s.importing)
    return [
      { keys: 'Enter', description: 'import the file' },
      { keys: 'Esc', description: 'close' },
    ];
  if (s.form?.form.editing)
    return [
      { keys: 'Enter', description: 'keep the edit' },
      { keys: 'Esc', description: 'undo the edit' },
    ];
  if (s.form)
    return [
      { keys: 'Enter', description: 'save' },
      { keys: 'Esc', description: 'cancel' },
      { keys: 'Tab/↑↓', description: 'field' },
      { keys: '?', description: 'help' },
    ];
  return [...directoryKeys.slice(0, 5), { keys: '?', description: 'help' }, { keys: 'Esc', description: 'back' }];
}

export function DirectoryScreen(props: {
  backend: DashboardBackend;
  isActive: boolean;
  width: number;
  height: number;
  onBack(): void;
}) {
  const [state, dispatch, get] = useStore(reducer, initialDirectory);
  const latest = useLatest(props);
  const mounted = useRef(true);
  const update = useCallback(
    (fn: (s: DirectoryState) => DirectoryState) => mounted.current && dispatch({ type: 'update', update: fn }),
    [dispatch],
  );

  const reload = useCallback(async () => {
    try {
      const entries = await latest.current.backend.listAccounts();
      update((s) => ({ ...s, entries, loading: false, cursor: Math.min(s.cursor, Math.max(0, entries.length - 1)) }));
    } catch (error) {
      update((s) => ({
        ...s,
        loading: false,
        message: { text: `Cannot read the account directory: ${(error as Error).message}`, tone: 'error' },
      }));
    }
  }, [latest, update]);

  useEffect(() => {
    mounted.current = true;
    void reload();
    return () => void (mounted.current = false);
  }, [reload]);

  const run = useCallback(
    async (effect: DirectoryEffect) => {
      const { backend, onBack } = latest.current;
      if (effect.type === 'back') return onBack();
      try {
        let text: string;
        if (effect.type === 'add') {
          await backend.addAccount(effect.input);
          text = `${effect.input.email} added`;
        } else if (effect.type === 'update') {
          await backend.updateAccount(effect.email, effect.patch);
          text = effect.done;
        } else if (effect.type === 'remove') {
          await backend.removeAccount(effect.email);
          text = `${effect.email} removed`;
        } else {
          const { added, updated } = await backend.importAccountsCsv(effect.file);
          text = `${effect.file}: ${added} added, ${updated} updated`;
        }
        update((s) => ({
          ...s,
          busy: undefined,
          form: undefined,
          importing: undefined,
          message: { text, tone: 'ok' },
        }));
        await reload();
        if (effect.type === 'add') {
          update((s) => ({
            ...s,
            filter: '',
            cursor: Math.max(
              0,
              s.entries.findIndex((entry) => entry.email === effect.input.email),
            ),
          }));
        }
      } catch (error) {
        const message = (error as Error).message;
        if (effect.type === 'import') {
          update((s) => ({
            ...s,
            busy: undefined,
            importing: s.importing && { ...s.importing, failure: { message, details: detailsOf(error) }, scroll: 0 },
          }));
        } else {
          update((s) => ({ ...s, busy: undefined, message: { text: message, tone: 'error' } }));
        }
      }
    },
    [latest, reload, update],
  );

  const onKey = useCallback(
    (input: string, key: Key) => {
      const result = directoryKey(get(), input, key);
      dispatch({ type: 'set', state: result.state });
      if (result.effect) void run(result.effect);
    },
    [dispatch, get, run],
  );
  useHints(directoryHints(state), props.isActive);

  // The syncs that use the account asked about (issue 17 point 16): named in the remove dialog.
  const removingEmail = state.removing?.email;
  const [usedBy, setUsedBy] = useState<string | undefined>(undefined);
  useEffect(() => {
    setUsedBy(undefined);
    if (!removingEmail) return;
    let current = true;
    latest.current.backend.listSyncs().then(
      (rows) => {
        const names = rows
          .filter(({ sync }) => sync.accounts.some((account) => account.email === removingEmail))
          .map(({ sync }) => `${sync.id.slice(0, 8)} (${sync.source.host})`);
        if (!current) return;
        setUsedBy(
          names.length === 0
            ? 'No sync uses it.'
            : `Used by ${names.length} sync${names.length === 1 ? '' : 's'}: ${names.join(', ')}; their runs will fail for it.`,
        );
      },
      (error: unknown) => current && setUsedBy(`Could not read the syncs: ${(error as Error).message}`),
    );
    return () => {
      current = false;
    };
  }, [latest, removingEmail]);
  useKeys(
    (input, key) => {
      onKey(input, key);
      return true;
    },
    props.isActive,
    () => textEditing(get()),
  );

  const { width, height } = props;
  const status = state.busy ? { text: state.busy, tone: 'info' as const } : state.message;
  let body;
  if (state.form) {
    const panel = state.form;
    const fields = formFields(panel.kind);
    const reason = firstError(fields, panel.errors, panel.form.focus);
    body = (
      <Box flexDirection="column" width={width}>
        <Text bold wrap="truncate-end">
          {panel.kind === 'add' ? 'Add an account' : `Edit ${panel.entry!.email}`}
        </Text>
        <FormView
          fields={fields}
          values={panel.values}
          form={panel.form}
          errors={panel.errors}
          width={width}
          labelWidth={14}
          textWidth={32}
        />
        <Text dimColor wrap="truncate-end">
          Tab/↑↓ field · type to edit · space toggles · Enter {panel.kind === 'add' ? 'adds' : 'saves'} · Esc cancels
        </Text>
        {reason && !state.message ? <StatusLine width={width} text={reason} tone="error" /> : null}
      </Box>
    );
  } else if (state.importing) {
    body = <ImportView state={state} width={width} height={height - 2} />;
  } else if (state.removing) {
    body = (
      <ConfirmBox
        width={Math.min(width, 70)}
        title={`Remove ${state.removing.email} from the directory?`}
        lines={[
          'Its settings and password are deleted; mail on the servers is not touched.',
          usedBy ?? 'Looking for syncs that use it…',
        ]}
        danger
      />
    );
  } else {
    body = <Table state={state} width={width} height={height - 2} />;
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box flexDirection="column" height={height - 1} width={width} overflow="hidden">
        {body}
      </Box>
      <StatusLine width={width} text={status?.text} tone={status?.tone} />
    </Box>
  );
}

function Table(props: { state: DirectoryState; width: number; height: number }) {
  const { state, width } = props;
  const rows = visibleEntries(state);
  const nameW = Math.max(10, Math.floor(width * 0.25));
  const emailW = Math.max(16, width - 2 - 7 - nameW - 13);
  const visible = Math.max(1, props.height - 3);
  const top = Math.max(0, Math.min(state.cursor - Math.floor(visible / 2), rows.length - visible));
  const filterText = state.filterEdit ? state.filterEdit.value : state.filter;
  return (
    <Box flexDirection="column" width={width}>
      <Box height={1} width={width}>
        <Box flexShrink={0}>
          <Text bold>Account directory </Text>
        </Box>
        <Text dimColor wrap="truncate-end">
          {state.loading ? 'loading…' : `${rows.length} of ${state.entries.length} accounts`}
        </Text>
      </Box>
      <Box height={1} width={width}>
        <Box width={2} />
        <Box width={emailW} flexShrink={0}>
          <Text bold>Email</Text>
        </Box>
        <Box width={7} flexShrink={0}>
          <Text bold>Admin</Text>
        </Box>
        <Box width={nameW} flexShrink={0}>
          <Text bold>Name</Text>
        </Box>
        <Box width={13} flexShrink={0}>
          <Text bold>Password set</Text>
        </Box>
      </Box>
      <Box flexDirection="column" height={visible} width={width}>
        {!state.loading && rows.length === 0 ? (
          <Text dimColor>
            {state.entries.length === 0
              ? 'No accounts yet: n adds one, i imports a CSV (email,password,admin).'
              : 'No account matches the filter.'}
          </Text>
        ) : null}
        {rows.slice(top, top + visible).map((entry, index) => {
          const selected = top + index === state.cursor;
          return (
            <Box key={entry.email} height={1} width={width}>
              <Box width={2} flexShrink={0}>
                <Text color={color('active')}>{selected ? '›' : ' '}</Text>
              </Box>
              <Box width={emailW} flexShrink={0} paddingRight={1}>
                <Text bold={selected} wrap="truncate-end">
                  {entry.email}
                </Text>
              </Box>
              <Box width={7} flexShrink={0}>
                <Text>{entry.admin ? 'yes' : 'no'}</Text>
              </Box>
              <Box width={nameW} flexShrink={0} paddingRight={1}>
                <Text wrap="truncate-end">{entry.displayName ?? ''}</Text>
              </Box>
              <Box width={13} flexShrink={0}>
                <Text color={entry.hasPassword ? undefined : color('warn')}>{entry.hasPassword ? 'yes' : 'no'}</Text>
              </Box>
            </Box>
          );
        })}
      </Box>
      <Box height={1} width={width}>
        {state.filterEdit ? (
          <>
            <Text>Filter: /</Text>
            <TextValue value={filterText} cursor={state.filterEdit.cursor} width={Math.max(10, width - 40)} />
            <Text dimColor> Enter keeps · Esc clears</Text>
          </>
        ) : (
          <Text dimColor wrap="truncate-end">
            {filterText ? `Filter: /${filterText} (Esc clears) · ` : ''}n add · e edit · d remove · A admin · i import
            CSV · / filter · Esc back
          </Text>
        )}
      </Box>
    </Box>
  );
}

function ImportView(props: { state: DirectoryState; width: number; height: number }) {
  const panel = props.state.importing!;
  const { width } = props;
  const failure = panel.failure;
  const room = Math.max(1, props.height - 5);
  const start = failure ? Math.min(panel.scroll, Math.max(0, failure.details.length - room)) : 0;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Import accounts from a CSV file</Text>
      <Text dimColor wrap="truncate-end">
        Header: email,password,admin. Every row is checked first: one bad row and nothing is imported.
      </Text>
      <Box height={1} width={width}>
        <Text>File: </Text>
        {failure ? (
          <Text>{panel.draft.value}</Text>
        ) : (
          <TextValue value={panel.draft.value} cursor={panel.draft.cursor} width={Math.max(10, width - 8)} />
        )}
      </Box>
      {failure ? (
        <>
          <Text color={color('error')} wrap="truncate-end">
            ✗ {failure.message}
          </Text>
          <Box flexDirection="column" height={room} width={width}>
            {failure.details.slice(start, start + room).map((line, index) => (
              <Text key={start + index} wrap="truncate-end">
                {'  '}
                {line}
              </Text>
            ))}
          </Box>
          <Text dimColor wrap="truncate-end">
            {failure.details.length > room
              ? `rows ${start + 1}–${Math.min(failure.details.length, start + room)} of ${failure.details.length} · ↑↓ PgUp PgDn scroll · `
              : ''}
            Enter: try another file · Esc: close
          </Text>
        </>
      ) : (
        <Text dimColor>Enter imports · Esc cancels</Text>
      )}
    </Box>
  );
}
