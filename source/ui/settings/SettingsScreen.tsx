// Settings (docs/spec.md C1, C3): the destination server with its admin login and a connection
// test, and the SMTP server for notifications. Passwords are never shown: blank keeps them.
import { useHints, useKeys } from '../router.tsx';
import { Box, Text, type Key } from 'ink';
import { useCallback, useEffect, useRef } from 'react';
import type { DashboardBackend } from '../backend.ts';
import type { KeyHelp } from '../keymap.ts';
import { color } from '../layout.ts';
import { ConfirmBox } from '../wizard/form/dialogs.tsx';
import { firstError } from '../wizard/form/form.ts';
import { FormView, StatusLine } from '../wizard/form/FormView.tsx';
import { useLatest, useStore } from '../wizard/form/useStore.ts';
import {
  destinationFields,
  initialSettings,
  sectionOf,
  settingsKey,
  smtpFields,
  type SettingsEffect,
  type SettingsState,
} from './state.ts';

export const settingsKeys: KeyHelp[] = [
  { keys: 'Enter', description: 'save this section (every field checked first)', category: 'Settings' },
  { keys: 'Ctrl+T', description: 'test the destination login (saves first)', category: 'Settings' },
  { keys: 'Tab/↑↓', description: 'field', category: 'Form' },
  { keys: '←→/space', description: 'change', category: 'Form' },
  { keys: 'type', description: 'edit text (Enter keeps, Esc cancels the edit, Ctrl+U clears)', category: 'Form' },
  { keys: 'Esc', description: 'back (asks when not saved)', category: 'General' },
];

type Action =
  { type: 'set'; state: SettingsState } | { type: 'update'; update: (state: SettingsState) => SettingsState };
const reducer = (state: SettingsState, action: Action) => (action.type === 'set' ? action.state : action.update(state));

/** A text field is being edited or a dialog is open: it takes every printable key (`?`, `q`) and pastes. */
const textEditing = (s: SettingsState) => Boolean(s.form.editing || s.confirmLeave);

/** The hint bar for what is open now. */
export function settingsHints(s: SettingsState): KeyHelp[] {
  if (s.confirmLeave)
    return [
      { keys: 'y', description: 'leave without saving', dangerous: true },
      { keys: 'N', description: 'stay' },
    ];
  if (s.form.editing)
    return [
      { keys: 'Enter', description: 'keep the edit' },
      { keys: 'Esc', description: 'undo the edit' },
    ];
  return [
    { keys: 'Enter', description: 'save this section' },
    { keys: 'Ctrl+T', description: 'test the login' },
    { keys: 'Esc', description: 'back' },
    { keys: '?', description: 'help' },
  ];
}

export function SettingsScreen(props: {
  backend: DashboardBackend;
  isActive: boolean;
  width: number;
  height: number;
  onBack(): void;
}) {
  const [state, dispatch, get] = useStore(reducer, () =>
    initialSettings(props.backend.getDestination(), props.backend.getSmtp()),
  );
  const latest = useLatest(props);
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);
  const update = useCallback(
    (fn: (s: SettingsState) => SettingsState) => mounted.current && dispatch({ type: 'update', update: fn }),
    [dispatch],
  );

  const run = useCallback(
    async (effect: SettingsEffect): Promise<void> => {
      const { backend, onBack } = latest.current;
      if (effect.type === 'back') return onBack();
      try {
        if (effect.type === 'test') {
          const result = await backend.testDestination(effect.account);
          const who = effect.account ? ` as ${effect.account}` : '';
          update((s) => ({
            ...s,
            busy: undefined,
            test: result.ok
              ? { ok: true, text: `✓ OK: logged in${who}` }
              : { ok: false, text: `✗ ${result.code}: ${result.reason}` },
          }));
          return;
        }
        if (effect.type === 'saveDestination') {
          await backend.setDestination(effect.settings);
          const view = backend.getDestination();
          update((s) => ({
            ...s,
            busy: undefined,
            destination: view,
            values: { ...s.values, 'd.adminPassword': '' },
            dirty: { ...s.dirty, destination: false },
            message: { text: 'Destination saved', tone: 'ok' },
          }));
          if (effect.thenTest !== undefined) {
            update((s) => ({ ...s, busy: 'Testing the destination login…', test: undefined }));
            await run({ type: 'test', ...(effect.thenTest ? { account: effect.thenTest } : {}) });
          }
          return;
        }
        await backend.setSmtp(effect.settings);
        const view = backend.getSmtp();
        update((s) => ({
          ...s,
          busy: undefined,
          smtp: view,
          values: { ...s.values, 's.password': '' },
          dirty: { ...s.dirty, smtp: false },
          message: { text: 'SMTP settings saved', tone: 'ok' },
        }));
      } catch (error) {
        update((s) => ({ ...s, busy: undefined, message: { text: (error as Error).message, tone: 'error' } }));
      }
    },
    [latest, update],
  );

  const onKey = useCallback(
    (input: string, key: Key) => {
      const result = settingsKey(get(), input, key);
      dispatch({ type: 'set', state: result.state });
      if (result.effect) void run(result.effect);
    },
    [dispatch, get, run],
  );
  useHints(settingsHints(state), props.isActive);
  useKeys(
    (input, key) => {
      onKey(input, key);
      return true;
    },
    props.isActive,
    () => textEditing(get()),
  );

  const { width, height } = props;
  if (state.confirmLeave) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <ConfirmBox
          width={Math.min(width, 70)}
          title="Leave without saving?"
          lines={['The changes not saved (Enter saves a section) will be lost.']}
        />
      </Box>
    );
  }
  const dFields = destinationFields(state.destination);
  const sFields = smtpFields(state.smtp);
  const reason = firstError([...dFields, ...sFields], state.errors, state.form.focus);
  const status = state.busy
    ? { text: state.busy, tone: 'info' as const }
    : (state.message ?? (reason ? { text: reason, tone: 'error' as const } : undefined));
  const section = sectionOf(state.form.focus);
  const hint = state.form.editing
    ? 'Editing: Enter keeps · Esc cancels the edit · Tab next field'
    : `Enter saves the ${section === 'destination' ? 'destination' : 'SMTP settings'} · Ctrl+T tests the destination · Tab/↑↓ field · Esc back`;
  const dest = state.destination;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box height={1} width={width}>
        <Box flexShrink={0}>
          <Text bold>Destination IMAP server </Text>
        </Box>
        <Text dimColor wrap="truncate-end">
          {dest
            ? `saved: ${dest.host}:${dest.port}, admin password ${dest.hasAdminPassword ? 'set' : 'not set'}`
            : 'not set yet'}
          {state.dirty.destination ? ' · changed, not saved' : ''}
        </Text>
      </Box>
      <FormView
        fields={dFields}
        values={state.values}
        form={state.form}
        errors={state.errors}
        width={width}
        labelWidth={16}
        textWidth={30}
        active={props.isActive}
      />
      {/* A failed test's whole reason and advice, wrapped (issue 17.5). */}
      <Box height={state.test && !state.test.ok ? 3 : 1} width={width} overflow="hidden">
        {state.test ? (
          <Text color={state.test.ok ? color('ok') : color('error')} wrap="wrap">
            Connection test: {state.test.text}
          </Text>
        ) : (
          <Text dimColor>Connection test: Ctrl+T</Text>
        )}
      </Box>
      <Box height={1} width={width}>
        <Box flexShrink={0}>
          <Text bold>SMTP for notifications </Text>
        </Box>
        <Text dimColor wrap="truncate-end">
          {state.smtp
            ? `saved: ${state.smtp.host}:${state.smtp.port}, password ${state.smtp.hasPassword ? 'set' : 'not set'}`
            : 'not set yet'}
          {state.dirty.smtp ? ' · changed, not saved' : ''}
        </Text>
      </Box>
      <FormView
        fields={sFields}
        values={state.values}
        form={state.form}
        errors={state.errors}
        width={width}
        labelWidth={16}
        textWidth={30}
        active={props.isActive}
      />
      <StatusLine width={width} text={status?.text} tone={status?.tone} />
      <Text dimColor wrap="truncate-end">
        {hint}
      </Text>
    </Box>
  );
}
