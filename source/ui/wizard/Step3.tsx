// Step 3 (docs/spec.md W7): the summary, when to start, one time or a loop, who to notify; create.
import { color } from '../layout.ts';
import { Box, Text, type Key } from 'ink';
import type { AccountGroup } from '../../engine/syncModel.ts';
import type { SyncMode } from '../../engine/types.ts';
import type { TlsMode } from '../../imap/endpoint.ts';
import { firstError, formKey, revalidate, settleFocus, str, type FieldSpec, type FormValues } from './form/form.ts';
import { FormView, StatusLine } from './form/FormView.tsx';
import { validateStep3, type StepResult, type WizardState } from './model.ts';
import { GROUP_LABELS, MODE_TEXTS, NOTIFY_HELP, SYNC_ALL_WORD, TLS_LABELS } from './texts.ts';

export function step3Fields(values: FormValues): FieldSpec[] {
  return [
    {
      kind: 'choice',
      id: 'start',
      label: 'Start',
      options: [
        { value: 'now', label: 'immediately' },
        { value: 'manual', label: 'manually later' },
        { value: 'at', label: 'at a date and time' },
      ],
    },
    {
      kind: 'text',
      id: 'startAt',
      label: 'Start time',
      placeholder: 'YYYY-MM-DD HH:MM',
      disabled: values.start !== 'at',
    },
    {
      kind: 'choice',
      id: 'repeat',
      label: 'Repeat',
      options: [
        { value: 'once', label: 'one time only' },
        { value: 'until', label: 'continue until a date' },
      ],
    },
    {
      kind: 'text',
      id: 'loopUntil',
      label: 'Loop until',
      placeholder: 'YYYY-MM-DD HH:MM',
      disabled: values.repeat !== 'until',
    },
    { kind: 'text', id: 'interval', label: 'Every', placeholder: '1h, 30m, 2d', disabled: values.repeat !== 'until' },
    { kind: 'text', id: 'notify', label: 'Notify users', placeholder: 'e.g. a@example.com;b@example.com', width: 48 },
  ];
}

/** Create: every field valid (else the focus on the first wrong one), Sync All for real confirmed. */
export function createFrom3(state: WizardState, now = Date.now()): StepResult {
  const errors = validateStep3(state.s3, now);
  const wrong = step3Fields(state.s3).find((field) => !field.disabled && errors[field.id]);
  if (wrong)
    return {
      state: { ...state, errors, form: { focus: wrong.id }, message: { text: errors[wrong.id], tone: 'error' } },
    };
  if (state.s1.mode === 'all' && !state.s1.dryRun) {
    return {
      state: {
        ...state,
        errors: {},
        dialog: { kind: 'syncAll', confirm: { word: SYNC_ALL_WORD, typed: '', cursor: 0 } },
      },
    };
  }
  return { state: { ...state, errors: {} }, effect: { type: 'create' } };
}

export function step3Key(state: WizardState, input: string, key: Key): StepResult {
  const fields = step3Fields(state.s3);
  const result = formKey(fields, state.s3, state.form, input, key);
  if (result.type === 'submit') return createFrom3(state);
  if (result.type === 'escape') return { state: { ...state, step: 2, message: undefined } };
  if (result.type === 'unhandled') return { state };
  const values = result.values;
  const all = validateStep3(values);
  let errors = revalidate(state.errors, all, result.changed, result.committed);
  // Fields that became irrelevant lose their reason.
  for (const field of step3Fields(values)) if (field.disabled) delete errors[field.id];
  if (result.changed === 'start') errors = revalidate(errors, all, 'loopUntil');
  const focus = settleFocus(step3Fields(values), result.form.focus);
  const changed = result.changed !== undefined;
  return {
    state: {
      ...state,
      s3: values,
      form: focus === result.form.focus ? result.form : { focus },
      errors,
      dirty: state.dirty || changed,
      message: changed || result.committed ? undefined : state.message,
    },
  };
}

function Pair(props: { label: string; value: string; width: number }) {
  return (
    <Box width={props.width} flexShrink={0}>
      <Box width={16} flexShrink={0}>
        <Text dimColor>{props.label}</Text>
      </Box>
      {/* Two columns of gap: a long value never runs into the next label (issue 17 point 8). */}
      <Box width={Math.max(1, props.width - 18)} flexShrink={0}>
        <Text bold wrap="truncate-end">
          {props.value}
        </Text>
      </Box>
    </Box>
  );
}

const RIGHT_COLUMN = 26;

export function Step3View(props: { state: WizardState; width: number; height: number; active: boolean }) {
  const { state, width, height } = props;
  const s1 = state.s1;
  // The left column holds the long values (host, mode, group); the right one short numbers.
  const left = Math.max(Math.floor(width / 2) - 2, width - 4 - RIGHT_COLUMN);
  const rows = state.rows ?? [];
  const total = rows.filter((row) => row.checked).length;
  // The group chose the list; what is synced is what stayed checked in step 2.
  const group = GROUP_LABELS[str(s1, 'group') as AccountGroup];
  const summary: [string, string][] = [
    ['IMAP server', str(s1, 'host')],
    ['Port', str(s1, 'port')],
    ['TLS', TLS_LABELS[str(s1, 'tls') as TlsMode] + (s1.allowInvalidCert ? ', any certificate' : '')],
    ['Threads', str(s1, 'threads')],
    ['Sync mode', MODE_TEXTS[str(s1, 'mode') as SyncMode].label],
    ['Dry run', s1.dryRun ? 'Yes' : 'No'],
    ['Account group', total < rows.length ? `${group}, ${total} of ${rows.length} checked` : group],
    ['Total accounts', String(total)],
    ['Connections', `${str(s1, 'connections')} per user`],
    ['', ''],
  ];
  const fields = step3Fields(state.s3);
  const focusedError = firstError(fields, state.errors, state.form.focus);
  const status = state.message ?? (focusedError ? { text: focusedError, tone: 'error' as const } : undefined);
  const hint = state.form.editing
    ? 'Editing: Enter keeps · Esc cancels the edit · Tab next field'
    : 'Tab/↑↓ field · ←→/space change · Enter create the sync · Esc back';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        Create a sync · Step 3 of 3: summary and schedule
      </Text>
      <Box flexDirection="column" width={width} borderStyle="single" borderDimColor paddingX={1}>
        {[0, 2, 4, 6, 8].map((i) => (
          <Box key={i} width={width - 4} height={1}>
            <Pair label={summary[i][0]} value={summary[i][1]} width={left} />
            <Pair label={summary[i + 1][0]} value={summary[i + 1][1]} width={width - 4 - left} />
          </Box>
        ))}
      </Box>
      <FormView
        fields={fields}
        values={state.s3}
        form={state.form}
        errors={state.errors}
        width={width}
        labelWidth={14}
        textWidth={30}
        active={props.active}
      />
      <Box height={2} width={width} overflow="hidden">
        <Text dimColor wrap="wrap">
          {NOTIFY_HELP}
        </Text>
      </Box>
      {s1.mode === 'all' && !s1.dryRun ? (
        <Text color={color('error')} wrap="truncate-end">
          ! Sync All without dry run: you will type {SYNC_ALL_WORD} to confirm.
        </Text>
      ) : (
        <Text> </Text>
      )}
      {state.busy ? (
        <Text color={color('warn')}>{state.busy}</Text>
      ) : (
        <StatusLine width={width} text={status?.text} tone={status?.tone} />
      )}
      <Text dimColor wrap="truncate-end">
        {hint}
      </Text>
    </Box>
  );
}
