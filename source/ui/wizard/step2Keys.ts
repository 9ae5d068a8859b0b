// Step 2 (docs/spec.md W6) keys: the account checklist, remote logins, bulk domain edits, tests.
import type { Key } from 'ink';
import { startDraft, textKey } from './form/textEdit.ts';
import {
  appendDomain,
  parseDomain,
  removeDomain,
  type AccountRow,
  type StepResult,
  type WizardState,
} from './model.ts';

function withRows(state: WizardState, rows: AccountRow[], extra: Partial<WizardState> = {}): StepResult {
  return { state: { ...state, rows, dirty: true, message: undefined, ...extra } };
}

function info(state: WizardState, text: string, tone: 'error' | 'ok' | 'info' = 'info'): StepResult {
  return { state: { ...state, message: { text, tone } } };
}

function editKey(state: WizardState, rows: AccountRow[], input: string, key: Key): StepResult {
  const edit = state.rowEdit!;
  const result = textKey(edit.draft.value, edit.draft.cursor, input, key);
  if (result.kind === 'edit')
    return {
      state: { ...state, rowEdit: { ...edit, draft: { ...edit.draft, value: result.value, cursor: result.cursor } } },
    };
  if (result.kind === 'cancel') return { state: { ...state, rowEdit: undefined } };
  if (result.kind === 'ignored') return { state };
  const value = edit.field === 'remoteUser' ? edit.draft.value.trim() : edit.draft.value;
  if (edit.field === 'remoteUser' && (value.length === 0 || /\s/.test(value))) {
    return info(state, 'Remote username must not be empty or hold spaces (Esc keeps the old one)', 'error');
  }
  const next = rows.map((row) => (row.email === edit.email ? { ...row, [edit.field]: value, test: undefined } : row));
  return withRows(state, next, { rowEdit: undefined });
}

function domainKey(state: WizardState, rows: AccountRow[], input: string, key: Key): StepResult {
  const draft = state.domainPrompt!;
  const result = textKey(draft.value, draft.cursor, input, key);
  if (result.kind === 'edit')
    return {
      state: { ...state, domainPrompt: { ...draft, value: result.value, cursor: result.cursor }, message: undefined },
    };
  if (result.kind === 'cancel') return { state: { ...state, domainPrompt: undefined, message: undefined } };
  if (result.kind !== 'commit') return { state };
  let domain: string;
  try {
    domain = parseDomain(draft.value);
  } catch (error) {
    return info(state, (error as Error).message, 'error');
  }
  const changed = rows.filter((row) => !row.remoteUser.includes('@')).length;
  const next = rows.map((row) => ({
    ...row,
    remoteUser: appendDomain(row.remoteUser, domain),
    test: row.remoteUser.includes('@') ? row.test : undefined,
  }));
  const kept = rows.length - changed;
  const text =
    `@${domain} appended to ${changed} username${changed === 1 ? '' : 's'}` +
    (kept ? `; ${kept} already had a domain (D removes domains)` : '');
  return withRows(state, next, { domainPrompt: undefined, message: { text, tone: changed ? 'ok' : 'info' } });
}

/** Continue: at least one account checked, each with a remote username. */
export function continueFrom2(state: WizardState): StepResult {
  const rows = state.rows ?? [];
  if (!rows.some((row) => row.checked)) return info(state, 'Check at least one account (space; a: all)', 'error');
  const bad = rows.findIndex((row) => row.checked && row.remoteUser.trim().length === 0);
  if (bad >= 0)
    return info({ ...state, cursor: bad }, `${rows[bad].email}: the remote username is empty (e edits it)`, 'error');
  return { state: { ...state, step: 3, message: undefined, errors: {}, form: { focus: 'start' } } };
}

/** Enter at step 2: logins known to fail are named and confirmed first (issue 17 point 9). */
function enterFrom2(state: WizardState): StepResult {
  const checked = (state.rows ?? []).filter((row) => row.checked);
  const failed = checked.filter((row) => row.test?.state === 'failed').length;
  if (failed === 0) return continueFrom2(state);
  return { state, effect: { type: 'confirmFailedLogins', failed, checked: checked.length } };
}

export function step2Key(state: WizardState, input: string, key: Key): StepResult {
  if (state.loading) return key.escape ? { state: { ...state, step: 1, loading: false } } : { state };
  const rows = state.rows ?? [];
  if (state.rowEdit) return editKey(state, rows, input, key);
  if (state.domainPrompt) return domainKey(state, rows, input, key);
  const cursor = Math.min(state.cursor, Math.max(0, rows.length - 1));
  const row = rows[cursor];
  const move = (to: number) => ({ state: { ...state, cursor: Math.max(0, Math.min(rows.length - 1, to)) } });
  if (key.escape) return { state: { ...state, step: 1, message: undefined, errors: {}, form: { focus: 'host' } } };
  if (key.return) return enterFrom2(state);
  if (key.upArrow || input === 'k') return move(cursor - 1);
  if (key.downArrow || input === 'j') return move(cursor + 1);
  if (key.pageUp) return move(cursor - 10);
  if (key.pageDown) return move(cursor + 10);
  if (key.home || input === 'g') return move(0);
  if (key.end || input === 'G') return move(rows.length - 1);
  if (key.ctrl || key.meta) return { state };
  if (input === ' ' && row)
    return withRows(
      state,
      rows.map((r, i) => (i === cursor ? { ...r, checked: !r.checked } : r)),
    );
  if (input === 'a') {
    const all = rows.every((r) => r.checked);
    return withRows(
      state,
      rows.map((r) => ({ ...r, checked: !all })),
      { message: { text: all ? 'No account checked' : `All ${rows.length} accounts checked`, tone: 'info' } },
    );
  }
  if (input === 'e' && row)
    return {
      state: {
        ...state,
        rowEdit: { email: row.email, field: 'remoteUser', draft: startDraft(row.remoteUser) },
        message: undefined,
      },
    };
  if (input === 'p' && row)
    return {
      state: {
        ...state,
        rowEdit: { email: row.email, field: 'remotePassword', draft: startDraft(row.remotePassword) },
        message: undefined,
      },
    };
  if (input === 'd') return { state: { ...state, domainPrompt: startDraft(''), message: undefined } };
  if (input === 'D') {
    const changed = rows.filter((r) => r.remoteUser.includes('@')).length;
    const next = rows.map((r) => ({
      ...r,
      remoteUser: removeDomain(r.remoteUser),
      test: r.remoteUser.includes('@') ? undefined : r.test,
    }));
    return withRows(state, next, {
      message: { text: `Domain removed from ${changed} username${changed === 1 ? '' : 's'}`, tone: 'ok' },
    });
  }
  if ((input === 't' && row) || input === 'T') {
    const emails = input === 't' ? [row.email] : rows.filter((r) => r.checked).map((r) => r.email);
    if (emails.length === 0)
      return info(state, 'No account checked to test (space checks one; t tests the selected one)', 'error');
    const next = rows.map((r) => (emails.includes(r.email) ? { ...r, test: { state: 'testing' as const } } : r));
    return {
      state: {
        ...state,
        rows: next,
        message: { text: `Testing ${emails.length} login${emails.length === 1 ? '' : 's'}…`, tone: 'info' },
      },
      effect: { type: 'testAuth', emails },
    };
  }
  return { state };
}
