// Step 2 (docs/spec.md W6): the accounts of the chosen group, a checkbox and a remote login each.
import { color } from '../layout.ts';
import { Box, Text } from 'ink';
import type { AccountGroup } from '../../engine/syncModel.ts';
import { Checkbox, MASK, StatusLine, TextValue } from './form/FormView.tsx';
import { str } from './form/form.ts';
import type { AccountRow, TestState, WizardState } from './model.ts';
import { GROUP_LABELS, STEP2_INTRO } from './texts.ts';

function TestCell(props: { test?: TestState }) {
  const { test } = props;
  if (!test) return <Text dimColor>not tested</Text>;
  if (test.state === 'testing') return <Text color={color('warn')}>… testing</Text>;
  if (test.state === 'ok') return <Text color={color('ok')}>✓ OK</Text>;
  return (
    <Text color={color('error')} wrap="truncate-end">
      ✗ {test.reason}
    </Text>
  );
}

function Cell(props: { width: number; children: React.ReactNode }) {
  return (
    <Box width={props.width} flexShrink={0} paddingRight={1}>
      {props.children}
    </Box>
  );
}

function detailOf(row: AccountRow | undefined): string {
  if (!row) return '';
  const notes = [row.admin ? 'admin' : '', row.inDirectory ? '' : 'not in the account directory any more']
    .filter(Boolean)
    .join(', ');
  const test = !row.test
    ? 'not tested (t)'
    : row.test.state === 'testing'
      ? 'testing…'
      : row.test.state === 'ok'
        ? 'login OK'
        : row.test.reason;
  return `${row.email}${notes ? ` (${notes})` : ''}: ${test}`;
}

export function Step2View(props: { state: WizardState; width: number; height: number }) {
  const { state, width, height } = props;
  const rows = state.rows ?? [];
  const group = str(state.s1, 'group') as AccountGroup;
  const checked = rows.filter((row) => row.checked).length;
  const inner = width - 16;
  const emailW = Math.floor(inner * 0.33);
  const userW = Math.floor(inner * 0.35);
  const passW = 9;
  const testW = Math.max(6, width - 6 - emailW - userW - passW);
  // Two lines kept for the selected row's detail, wrapped: a failed login's whole reason (issue 17.5).
  const visible = Math.max(1, height - 12);
  const cursor = Math.min(state.cursor, Math.max(0, rows.length - 1));
  const top = Math.max(0, Math.min(cursor - Math.floor(visible / 2), rows.length - visible));
  const shown = rows.slice(top, top + visible);
  const edit = state.rowEdit;
  const prompt = state.domainPrompt;
  const hint =
    edit || prompt
      ? 'Editing: Enter keeps · Esc cancels the edit'
      : 'space check · a all · e user · p password · d/D domain · t/T test · Enter next · Esc back';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        Create a sync · Step 2 of 3: select users · {GROUP_LABELS[group]}: {checked} of {rows.length} checked
      </Text>
      <Box height={3} width={width} overflow="hidden">
        <Text dimColor wrap="wrap">
          {STEP2_INTRO}
        </Text>
      </Box>
      <Box height={1} width={width}>
        {prompt ? (
          <>
            <Text>Append domain to usernames without one: @</Text>
            <TextValue value={prompt.value} cursor={prompt.cursor} width={Math.max(10, width - 42)} />
          </>
        ) : (
          <Text dimColor wrap="truncate-end">
            d: append a domain to the usernames · D: remove the domain from the usernames
          </Text>
        )}
      </Box>
      <Box height={1} width={width}>
        <Cell width={6}>
          <Text bold>{rows.length > 0 && checked === rows.length ? '  [x]' : '  [ ]'}</Text>
        </Cell>
        <Cell width={emailW}>
          <Text bold>Account</Text>
        </Cell>
        <Cell width={userW}>
          <Text bold>Remote username</Text>
        </Cell>
        <Cell width={passW}>
          <Text bold>Password</Text>
        </Cell>
        <Cell width={testW}>
          <Text bold>Test</Text>
        </Cell>
      </Box>
      <Box flexDirection="column" height={visible} width={width}>
        {state.loading ? <Text>Loading the account directory…</Text> : null}
        {!state.loading && rows.length === 0 ? (
          <Text color={color('warn')}>No accounts in this group: add some in the account directory first.</Text>
        ) : null}
        {shown.map((row, index) => {
          const selected = top + index === cursor;
          const editing = selected && edit ? edit : undefined;
          return (
            <Box key={row.email} height={1} width={width}>
              <Cell width={6}>
                <Text color={color('active')}>{selected ? '› ' : '  '}</Text>
                <Checkbox on={row.checked} />
              </Cell>
              <Cell width={emailW}>
                <Text bold={selected} wrap="truncate-end" dimColor={!row.inDirectory}>
                  {row.email}
                </Text>
              </Cell>
              <Cell width={userW}>
                {editing?.field === 'remoteUser' ? (
                  <TextValue value={editing.draft.value} cursor={editing.draft.cursor} width={userW - 1} />
                ) : (
                  <TextValue value={row.remoteUser} width={userW - 1} />
                )}
              </Cell>
              <Cell width={passW}>
                {editing?.field === 'remotePassword' ? (
                  <TextValue value={editing.draft.value} cursor={editing.draft.cursor} width={passW - 1} masked />
                ) : row.remotePassword ? (
                  <Text>{MASK.repeat(6)}</Text>
                ) : (
                  <Text dimColor>(dest.)</Text>
                )}
              </Cell>
              <Cell width={testW}>
                <TestCell test={row.test} />
              </Cell>
            </Box>
          );
        })}
      </Box>
      <Box width={width} height={3} overflow="hidden">
        <Text wrap="wrap" dimColor>
          {rows.length > visible ? `${top + 1}–${top + shown.length} of ${rows.length} · ` : ''}
          {detailOf(rows[cursor])}
        </Text>
      </Box>
      <StatusLine width={width} text={state.message?.text} tone={state.message?.tone} />
      <Text dimColor wrap="truncate-end">
        {hint}
      </Text>
    </Box>
  );
}
