// The Create Sync wizard (docs/spec.md W1–W8): three steps, Back without losing anything, the
// typed confirmation for Sync All without dry run. One key router for the whole screen:
// dialog > the step (whose text edits come first) ; the UI holds no sync logic.
import { useHints, useKeys, useRouter } from '../router.tsx';
import { Box, type Key } from 'ink';
import { useCallback, useEffect, useRef } from 'react';
import type { AccountGroup } from '../../engine/syncModel.ts';
import type { DashboardBackend, SyncSettings } from '../backend.ts';
import type { KeyHelp } from '../keymap.ts';
import { ConfirmBox, TypedConfirmBox, typedConfirmKey, yesNoKey } from './form/dialogs.tsx';
import { str } from './form/form.ts';
import { useLatest, useStore } from './form/useStore.ts';
import {
  buildRows,
  buildSettings,
  initialState,
  selectedAccounts,
  type AccountRow,
  type StepResult,
  type WizardEffect,
  type WizardState,
} from './model.ts';
import { Step1View, step1Key } from './Step1.tsx';
import { Step2View } from './Step2.tsx';
import { continueFrom2, step2Key } from './step2Keys.ts';
import { Step3View, step3Key } from './Step3.tsx';
import { MODE_TEXTS } from './texts.ts';

export const wizardKeys: KeyHelp[] = [
  { keys: 'Enter', description: 'next step; at step 3: create the sync', category: 'Wizard' },
  { keys: 'Esc', description: 'back, keeping entries (step 1: cancel)', category: 'Wizard' },
  { keys: 'Tab/↑↓', description: 'field', category: 'Form' },
  { keys: '←→/space', description: 'change', category: 'Form' },
  { keys: 'type', description: 'edit text (Enter keeps, Esc cancels the edit, Ctrl+U clears)', category: 'Form' },
  { keys: 'space', description: 'check the account (step 2)', category: 'Accounts' },
  { keys: 'a', description: 'check all / none (step 2)', category: 'Accounts' },
  { keys: 'e', description: 'edit the remote username (step 2)', category: 'Accounts' },
  { keys: 'p', description: 'edit the remote password; blank: the destination one (step 2)', category: 'Accounts' },
  { keys: 'd', description: 'append a domain to the usernames (step 2)', category: 'Accounts' },
  { keys: 'D', description: 'remove the domain from the usernames (step 2)', category: 'Accounts' },
  { keys: 't', description: 'test the selected account’s logins (step 2)', category: 'Accounts' },
  { keys: 'T', description: 'test every checked account (step 2)', category: 'Accounts' },
  { keys: '↑↓ j k PgUp PgDn g G', description: 'move in the list (step 2)', category: 'Accounts' },
];

type Action = { type: 'set'; state: WizardState } | { type: 'update'; update: (state: WizardState) => WizardState };

function reducer(state: WizardState, action: Action): WizardState {
  return action.type === 'set' ? action.state : action.update(state);
}

function routeKey(state: WizardState, input: string, key: Key): StepResult {
  if (state.busy) return { state };
  const dialog = state.dialog;
  if (dialog?.kind === 'discard') {
    return yesNoKey(input, key) === 'yes'
      ? { state: { ...state, dialog: undefined }, effect: { type: 'cancel' } }
      : { state: { ...state, dialog: undefined } };
  }
  if (dialog?.kind === 'syncAll') {
    const result = typedConfirmKey(dialog.confirm, input, key);
    if ('state' in result) return { state: { ...state, dialog: { kind: 'syncAll', confirm: result.state } } };
    if (result.done) return { state: { ...state, dialog: undefined }, effect: { type: 'create' } };
    return {
      state: { ...state, dialog: undefined, message: { text: 'Not confirmed: no sync created', tone: 'info' } },
    };
  }
  if (state.step === 1) return step1Key(state, input, key);
  if (state.step === 2) return step2Key(state, input, key);
  return step3Key(state, input, key);
}

function testText(check: {
  source: { ok: boolean; reason?: string };
  destination: { ok: boolean; reason?: string };
}): AccountRow['test'] {
  if (check.source.ok && check.destination.ok) return { state: 'ok' };
  if (!check.source.ok) return { state: 'failed', reason: `source: ${check.source.reason}` };
  return { state: 'failed', reason: `destination: ${check.destination.reason}` };
}

export interface WizardProps {
  backend: DashboardBackend;
  isActive: boolean;
  width: number;
  height: number;
  initial?: SyncSettings;
  recreateFrom?: string;
  onDone(syncId: string): void;
  onCancel(): void;
}

/** A text field is being edited or a dialog is open: it takes every printable key (`?`, `q`) and pastes. */
const textEditing = (s: WizardState) => Boolean(s.form.editing || s.rowEdit || s.domainPrompt || s.dialog);

const EDIT_HINTS: KeyHelp[] = [
  { keys: 'Enter', description: 'keep the edit' },
  { keys: 'Esc', description: 'undo the edit' },
  { keys: 'Ctrl+U', description: 'clear' },
];
const HELP_HINT: KeyHelp = { keys: '?', description: 'help' };

/** The hint bar: what Enter and Esc do at this step (or in this dialog) now. */
export function wizardHints(s: WizardState): KeyHelp[] {
  if (s.dialog?.kind === 'discard')
    return [
      { keys: 'y', description: 'discard', dangerous: true },
      { keys: 'N', description: 'keep editing' },
    ];
  if (s.dialog?.kind === 'syncAll')
    return [
      { keys: 'Enter', description: 'create the sync if the word is typed', dangerous: true },
      { keys: 'Esc', description: 'cancel' },
    ];
  if (s.form.editing || s.rowEdit || s.domainPrompt) return EDIT_HINTS;
  if (s.step === 1)
    return [
      { keys: 'Enter', description: 'next: choose accounts' },
      { keys: 'Esc', description: 'cancel' },
      { keys: 'Tab/↑↓', description: 'field' },
      HELP_HINT,
    ];
  if (s.step === 2)
    return [
      { keys: 'Enter', description: 'next: review' },
      { keys: 'Esc', description: 'back to step 1' },
      { keys: 'space', description: 'check' },
      { keys: 't/T', description: 'test logins' },
      HELP_HINT,
    ];
  return [{ keys: 'Enter', description: 'create the sync' }, { keys: 'Esc', description: 'back to step 2' }, HELP_HINT];
}

export function WizardScreen(props: WizardProps) {
  const [state, dispatch, get] = useStore(reducer, () => initialState(props.initial));
  const latest = useLatest(props);
  const router = useRouter();
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);
  const update = useCallback(
    (fn: (s: WizardState) => WizardState) => mounted.current && dispatch({ type: 'update', update: fn }),
    [dispatch],
  );

  const run = useCallback(
    async (effect: WizardEffect) => {
      const { backend, onCancel, onDone, recreateFrom } = latest.current;
      if (effect.type === 'cancel') return onCancel();
      if (effect.type === 'confirmFailedLogins') {
        const { failed, checked } = effect;
        return router.confirm({
          message: `${failed} of ${checked} checked account${checked === 1 ? '' : 's'} failed the login test: their sync will fail. Go on to step 3 anyway?`,
          dangerous: true,
          onYes: () => update((s) => continueFrom2(s).state),
        });
      }
      if (effect.type === 'loadAccounts') {
        try {
          const directory = await backend.listAccounts();
          update((s) => {
            const group = str(s.s1, 'group') as AccountGroup;
            const rows = buildRows(directory, group, s.rows, s.initial);
            return { ...s, rows, rowsGroup: group, loading: false, cursor: 0 };
          });
        } catch (error) {
          update((s) => ({
            ...s,
            loading: false,
            step: 1,
            message: { text: `Cannot read the account directory: ${(error as Error).message}`, tone: 'error' },
          }));
        }
        return;
      }
      if (effect.type === 'testAuth') {
        const settings = buildSettings(get(), selectedAccounts(get().rows ?? [], effect.emails), false);
        try {
          const checks = await backend.testAuth(settings);
          update((s) => {
            const byEmail = new Map(checks.map((check) => [check.account.toLowerCase(), check]));
            const rows = (s.rows ?? []).map((row) => {
              if (!effect.emails.includes(row.email)) return row;
              const check = byEmail.get(row.email.toLowerCase());
              return {
                ...row,
                test: check ? testText(check) : { state: 'failed' as const, reason: 'not tested by the server' },
              };
            });
            const failed = rows.filter(
              (row) => effect.emails.includes(row.email) && row.test?.state === 'failed',
            ).length;
            const text = failed
              ? `${failed} of ${effect.emails.length} logins failed`
              : `${effect.emails.length} login${effect.emails.length === 1 ? '' : 's'} OK`;
            return { ...s, rows, message: { text, tone: failed ? 'error' : 'ok' } };
          });
        } catch (error) {
          update((s) => ({
            ...s,
            rows: (s.rows ?? []).map((row) => (effect.emails.includes(row.email) ? { ...row, test: undefined } : row)),
            message: { text: `Test failed: ${(error as Error).message}`, tone: 'error' },
          }));
        }
        return;
      }
      let settings: SyncSettings;
      try {
        settings = buildSettings(get(), selectedAccounts(get().rows ?? []));
      } catch (error) {
        update((s) => ({ ...s, message: { text: (error as Error).message, tone: 'error' } }));
        return;
      }
      update((s) => ({ ...s, busy: 'Creating the sync…', message: undefined }));
      try {
        const record = recreateFrom
          ? await backend.recreateSync(recreateFrom, settings)
          : await backend.createSync(settings);
        if (mounted.current) update((s) => ({ ...s, busy: undefined }));
        onDone(record.id);
      } catch (error) {
        update((s) => ({ ...s, busy: undefined, message: { text: (error as Error).message, tone: 'error' } }));
      }
    },
    [get, latest, router, update],
  );

  const onKey = useCallback(
    (input: string, key: Key) => {
      const result = routeKey(get(), input, key);
      dispatch({ type: 'set', state: result.state });
      if (result.effect) void run(result.effect);
    },
    [dispatch, get, run],
  );
  useHints(wizardHints(state), props.isActive);
  useKeys(
    (input, key) => {
      onKey(input, key);
      return true;
    },
    props.isActive,
    () => textEditing(get()),
  );

  const { width, height } = props;
  const dialog = state.dialog;
  if (dialog) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        {dialog.kind === 'discard' ? (
          <ConfirmBox
            width={Math.min(width, 70)}
            title="Discard this sync?"
            lines={['What you entered in the wizard will be lost.']}
          />
        ) : (
          <TypedConfirmBox
            width={Math.min(width, 78)}
            title="Sync All without dry run"
            lines={[
              MODE_TEXTS.all.caution!,
              `Accounts: ${(state.rows ?? []).filter((row) => row.checked).length} on ${str(state.s1, 'host')}.`,
            ]}
            state={dialog.confirm}
          />
        )}
      </Box>
    );
  }
  if (state.step === 1) return <Step1View state={state} width={width} height={height} active={props.isActive} />;
  if (state.step === 2) return <Step2View state={state} width={width} height={height} />;
  return <Step3View state={state} width={width} height={height} active={props.isActive} />;
}
