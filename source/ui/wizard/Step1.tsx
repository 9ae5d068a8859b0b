// Step 1 (docs/spec.md W1–W5): the source server, the sync mode with the seed's words, dry run,
// the account group, threads and connections per user.
import { color } from '../layout.ts';
import { Box, Text, type Key } from 'ink';
import { defaultPort } from '../../shared/fields.ts';
import type { SyncMode } from '../../engine/types.ts';
import type { TlsMode } from '../../imap/endpoint.ts';
import { firstError, formKey, revalidate, str, type FieldSpec } from './form/form.ts';
import { FormView, StatusLine } from './form/FormView.tsx';
import { validateStep1, type StepResult, type WizardState } from './model.ts';
import { CONNECTIONS_HINT, GROUP_LABELS, MODE_TEXTS, SYNC_ALL_WORD } from './texts.ts';

export const STEP1_FIELDS: readonly FieldSpec[] = [
  { kind: 'text', id: 'host', label: 'IMAP server', placeholder: 'e.g. mail.old-provider.com or an IP' },
  { kind: 'text', id: 'port', label: 'Port', replaceOnType: true },
  {
    kind: 'choice',
    id: 'tls',
    label: 'TLS',
    options: [
      { value: 'none', label: 'none' },
      { value: 'starttls', label: 'STARTTLS' },
      { value: 'tls', label: 'TLS (implicit)' },
    ],
  },
  {
    kind: 'toggle',
    id: 'allowInvalidCert',
    label: 'Certificate',
    text: 'allow an invalid certificate (self-signed, wrong name)',
  },
  {
    kind: 'choice',
    id: 'mode',
    label: 'Sync mode',
    options: (['all', 'flags-new', 'new'] as SyncMode[]).map((mode) => ({
      value: mode,
      label: MODE_TEXTS[mode].label,
    })),
  },
  { kind: 'toggle', id: 'dryRun', label: 'Dry run', text: 'plan and log only; the destination is left untouched' },
  {
    kind: 'choice',
    id: 'group',
    label: 'Accounts',
    options: (['all', 'admin', 'specific'] as const).map((group) => ({ value: group, label: GROUP_LABELS[group] })),
  },
  { kind: 'text', id: 'threads', label: 'Threads', replaceOnType: true },
  { kind: 'text', id: 'connections', label: 'Connections', replaceOnType: true, width: 4, hint: CONNECTIONS_HINT },
];

/** Continue: every field valid, else the focus on the first wrong one. */
export function continueFrom1(state: WizardState): StepResult {
  const errors = validateStep1(state.s1);
  const wrong = STEP1_FIELDS.find((field) => errors[field.id]);
  if (wrong) {
    return {
      state: { ...state, errors, form: { focus: wrong.id }, message: { text: errors[wrong.id], tone: 'error' } },
    };
  }
  const group = str(state.s1, 'group');
  const next: WizardState = { ...state, step: 2, errors: {}, message: undefined, form: { focus: 'host' } };
  if (!state.rows || state.rowsGroup !== group)
    return { state: { ...next, loading: true }, effect: { type: 'loadAccounts' } };
  return { state: next };
}

export function step1Key(state: WizardState, input: string, key: Key): StepResult {
  const result = formKey(STEP1_FIELDS, state.s1, state.form, input, key);
  if (result.type === 'submit') return continueFrom1(state);
  if (result.type === 'escape')
    return state.dirty ? { state: { ...state, dialog: { kind: 'discard' } } } : { state, effect: { type: 'cancel' } };
  if (result.type === 'unhandled') return { state };
  let values = result.values;
  let portTouched = state.portTouched;
  if (result.changed === 'port') portTouched = true;
  if (result.changed === 'tls' && !portTouched)
    values = { ...values, port: String(defaultPort(str(values, 'tls') as TlsMode)) };
  const all = validateStep1(values);
  let errors = revalidate(state.errors, all, result.changed, result.committed);
  if (result.changed === 'tls') errors = revalidate(errors, all, 'port');
  const changed = result.changed !== undefined;
  return {
    state: {
      ...state,
      s1: values,
      portTouched,
      form: result.form,
      errors,
      dirty: state.dirty || changed,
      message: changed || result.committed ? undefined : state.message,
    },
  };
}

export function Step1View(props: { state: WizardState; width: number; height: number; active: boolean }) {
  const { state, width, height } = props;
  const mode = str(state.s1, 'mode') as SyncMode;
  const text = MODE_TEXTS[mode];
  const danger = mode === 'all' && !state.s1.dryRun;
  const focusedError = firstError(STEP1_FIELDS, state.errors, state.form.focus);
  const status = state.message ?? (focusedError ? { text: focusedError, tone: 'error' as const } : undefined);
  const editing = Boolean(state.form.editing);
  const hint = editing
    ? 'Editing: Enter keeps · Esc cancels the edit · Tab next field'
    : 'Tab/↑↓ field · ←→/space change · Enter continue · Esc cancel';
  // Title, the fields, a gap, the warning, the status and the hint: the rest is the mode's text.
  const room = Math.max(2, height - STEP1_FIELDS.length - 5);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        Create a sync · Step 1 of 3: source server and options
      </Text>
      <FormView
        fields={STEP1_FIELDS}
        values={state.s1}
        form={state.form}
        errors={state.errors}
        width={width}
        labelWidth={14}
        textWidth={28}
        active={props.active}
      />
      <Box flexDirection="column" width={width} height={room} overflow="hidden" marginTop={1}>
        <Text wrap="wrap">
          <Text bold>{text.label}: </Text>
          {text.caution ? <Text color={color('warn')}>{text.caution}</Text> : text.explanation}
        </Text>
        <Text wrap="wrap">{`Suggested uses: ${text.suggested}`}</Text>
      </Box>
      <Box height={1} width={width}>
        {danger ? (
          <Text color={color('error')} wrap="truncate-end">
            ! No dry run: Sync All deletes on the destination; type {SYNC_ALL_WORD} to confirm.
          </Text>
        ) : (
          <Text> </Text>
        )}
      </Box>
      <StatusLine width={width} text={status?.text} tone={status?.tone} />
      <Text dimColor wrap="truncate-end">
        {hint}
      </Text>
    </Box>
  );
}
