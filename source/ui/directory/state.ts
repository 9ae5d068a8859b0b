// The account directory screen (docs/spec.md C2) as a pure state machine: the table, the filter,
// the add/edit form, the remove confirmation and the CSV import with its bad rows.
import type { Key } from 'ink';
import { parseDisplayName, parseEmail } from '../../shared/fields.ts';
import type { DirectoryEntry } from '../backend.ts';
import { yesNoKey } from '../wizard/form/dialogs.tsx';
import {
  check,
  formKey,
  revalidate,
  str,
  type FieldSpec,
  type FormErrors,
  type FormState,
  type FormValues,
} from '../wizard/form/form.ts';
import { startDraft, textKey, type TextDraft } from '../wizard/form/textEdit.ts';
import { hasControlCharacter } from '../../shared/text.ts';

export interface AccountForm {
  kind: 'add' | 'edit';
  /** The account edited (edit only). */
  entry?: DirectoryEntry;
  values: FormValues;
  form: FormState;
  errors: FormErrors;
}

export interface ImportPanel {
  draft: TextDraft;
  /** The rejection: its message and every bad row, scrolled by `scroll`. */
  failure?: { message: string; details: string[] };
  scroll: number;
}

export interface DirectoryState {
  entries: DirectoryEntry[];
  loading: boolean;
  cursor: number;
  filter: string;
  filterEdit?: TextDraft;
  form?: AccountForm;
  removing?: DirectoryEntry;
  importing?: ImportPanel;
  busy?: string;
  message?: { text: string; tone: 'error' | 'ok' | 'info' };
}

export type DirectoryEffect =
  | { type: 'back' }
  | { type: 'add'; input: { email: string; password?: string; admin: boolean; displayName?: string } }
  | {
      type: 'update';
      email: string;
      patch: { password?: string; admin?: boolean; displayName?: string | null };
      done: string;
    }
  | { type: 'remove'; email: string }
  | { type: 'import'; file: string };

export interface DirectoryResult {
  state: DirectoryState;
  effect?: DirectoryEffect;
}

export const initialDirectory = (): DirectoryState => ({ entries: [], loading: true, cursor: 0, filter: '' });

export function visibleEntries(state: DirectoryState): DirectoryEntry[] {
  const needle = (state.filterEdit?.value ?? state.filter).trim().toLowerCase();
  if (!needle) return state.entries;
  return state.entries.filter(
    (entry) => entry.email.toLowerCase().includes(needle) || (entry.displayName ?? '').toLowerCase().includes(needle),
  );
}

export function formFields(kind: 'add' | 'edit'): FieldSpec[] {
  return [
    ...(kind === 'add'
      ? [{ kind: 'text' as const, id: 'email', label: 'Email', placeholder: 'user@example.com' }]
      : []),
    {
      kind: 'text',
      id: 'password',
      label: 'Password',
      masked: true,
      placeholder: kind === 'edit' ? 'blank keeps the current one' : 'optional with an admin login',
    },
    { kind: 'toggle', id: 'admin', label: 'Admin', text: 'admin account (in the "Admin Accounts" group)' },
    { kind: 'text', id: 'displayName', label: 'Display name', placeholder: 'optional' },
  ];
}

function validateForm(values: FormValues, kind: 'add' | 'edit'): FormErrors {
  const errors: FormErrors = {};
  if (kind === 'add') check(errors, 'email', () => parseEmail(str(values, 'email'), 'Email'));
  check(errors, 'displayName', () => parseDisplayName(str(values, 'displayName'), 'Display name'));
  if (hasControlCharacter(str(values, 'password'))) errors.password = 'Password holds a control character';
  return errors;
}

function formKeyOf(state: DirectoryState, input: string, key: Key): DirectoryResult {
  const panel = state.form!;
  const fields = formFields(panel.kind);
  const result = formKey(fields, panel.values, panel.form, input, key);
  if (result.type === 'escape') return { state: { ...state, form: undefined, message: undefined } };
  if (result.type === 'unhandled') return { state };
  if (result.type === 'submit') {
    const errors = validateForm(panel.values, panel.kind);
    const wrong = fields.find((field) => errors[field.id]);
    if (wrong)
      return {
        state: {
          ...state,
          form: { ...panel, errors, form: { focus: wrong.id } },
          message: { text: errors[wrong.id], tone: 'error' },
        },
      };
    const password = str(panel.values, 'password');
    const name = str(panel.values, 'displayName').trim();
    const admin = Boolean(panel.values.admin);
    if (panel.kind === 'add') {
      const email = parseEmail(str(panel.values, 'email'), 'Email');
      return {
        state: { ...state, busy: `Adding ${email}…` },
        effect: {
          type: 'add',
          input: { email, admin, ...(password ? { password } : {}), ...(name ? { displayName: name } : {}) },
        },
      };
    }
    const entry = panel.entry!;
    const patch: { password?: string; admin?: boolean; displayName?: string | null } = {};
    if (password) patch.password = password;
    if (admin !== entry.admin) patch.admin = admin;
    if (name !== (entry.displayName ?? '')) patch.displayName = name ? name : null;
    if (Object.keys(patch).length === 0)
      return {
        state: { ...state, form: undefined, message: { text: `${entry.email}: nothing changed`, tone: 'info' } },
      };
    return {
      state: { ...state, busy: `Saving ${entry.email}…` },
      effect: { type: 'update', email: entry.email, patch, done: `${entry.email} saved` },
    };
  }
  const errors = revalidate(panel.errors, validateForm(result.values, panel.kind), result.changed, result.committed);
  return {
    state: {
      ...state,
      form: { ...panel, values: result.values, form: result.form, errors },
      message: result.changed ? undefined : state.message,
    },
  };
}

function importKey(state: DirectoryState, input: string, key: Key): DirectoryResult {
  const panel = state.importing!;
  if (panel.failure) {
    // Scrolling stops near the end; the view keeps the last row at the bottom.
    const max = Math.max(0, panel.failure.details.length - 10);
    if (key.upArrow || input === 'k')
      return { state: { ...state, importing: { ...panel, scroll: Math.max(0, panel.scroll - 1) } } };
    if (key.downArrow || input === 'j')
      return { state: { ...state, importing: { ...panel, scroll: Math.min(max, panel.scroll + 1) } } };
    if (key.pageUp) return { state: { ...state, importing: { ...panel, scroll: Math.max(0, panel.scroll - 10) } } };
    if (key.pageDown) return { state: { ...state, importing: { ...panel, scroll: Math.min(max, panel.scroll + 10) } } };
    if (key.escape) return { state: { ...state, importing: undefined } };
    if (key.return) return { state: { ...state, importing: { ...panel, failure: undefined, scroll: 0 } } };
    return { state };
  }
  const result = textKey(panel.draft.value, panel.draft.cursor, input, key);
  if (result.kind === 'cancel') return { state: { ...state, importing: undefined, message: undefined } };
  if (result.kind === 'edit')
    return {
      state: {
        ...state,
        importing: { ...panel, draft: { ...panel.draft, value: result.value, cursor: result.cursor } },
        message: undefined,
      },
    };
  if (result.kind !== 'commit') return { state };
  const file = panel.draft.value.trim();
  if (!file)
    return {
      state: {
        ...state,
        message: { text: 'Give the path of a CSV file (header: email,password,admin)', tone: 'error' },
      },
    };
  return { state: { ...state, busy: `Importing ${file}…`, message: undefined }, effect: { type: 'import', file } };
}

function clamp(state: DirectoryState, cursor: number): DirectoryState {
  return { ...state, cursor: Math.max(0, Math.min(visibleEntries(state).length - 1, cursor)) };
}

export function directoryKey(state: DirectoryState, input: string, key: Key): DirectoryResult {
  if (state.busy) return { state };
  if (state.removing) {
    const entry = state.removing;
    if (yesNoKey(input, key) === 'yes')
      return {
        state: { ...state, removing: undefined, busy: `Removing ${entry.email}…` },
        effect: { type: 'remove', email: entry.email },
      };
    return { state: { ...state, removing: undefined, message: { text: `${entry.email} kept`, tone: 'info' } } };
  }
  if (state.form) return formKeyOf(state, input, key);
  if (state.importing) return importKey(state, input, key);
  if (state.filterEdit) {
    const result = textKey(state.filterEdit.value, state.filterEdit.cursor, input, key);
    if (result.kind === 'cancel')
      return { state: clamp({ ...state, filterEdit: undefined, filter: '' }, state.cursor) };
    if (result.kind === 'edit')
      return {
        state: clamp({ ...state, filterEdit: { ...state.filterEdit, value: result.value, cursor: result.cursor } }, 0),
      };
    if (result.kind === 'commit')
      return { state: clamp({ ...state, filter: state.filterEdit.value.trim(), filterEdit: undefined }, state.cursor) };
    return { state };
  }
  const rows = visibleEntries(state);
  const entry = rows[state.cursor];
  if (key.escape)
    return state.filter ? { state: clamp({ ...state, filter: '' }, 0) } : { state, effect: { type: 'back' } };
  if (key.upArrow || input === 'k') return { state: clamp(state, state.cursor - 1) };
  if (key.downArrow || input === 'j') return { state: clamp(state, state.cursor + 1) };
  if (key.pageUp) return { state: clamp(state, state.cursor - 10) };
  if (key.pageDown) return { state: clamp(state, state.cursor + 10) };
  if (key.home || input === 'g') return { state: clamp(state, 0) };
  if (key.end || input === 'G') return { state: clamp(state, rows.length - 1) };
  if (key.ctrl || key.meta) return { state };
  if (input === '/') return { state: { ...state, filterEdit: startDraft(state.filter), message: undefined } };
  if (input === 'n') {
    return {
      state: {
        ...state,
        message: undefined,
        form: {
          kind: 'add',
          values: { email: '', password: '', admin: false, displayName: '' },
          form: { focus: 'email' },
          errors: {},
        },
      },
    };
  }
  if (input === 'i')
    return { state: { ...state, message: undefined, importing: { draft: startDraft(''), scroll: 0 } } };
  if (!entry) return { state };
  if (input === 'e' || key.return) {
    const values = { password: '', admin: entry.admin, displayName: entry.displayName ?? '' };
    return {
      state: {
        ...state,
        message: undefined,
        form: { kind: 'edit', entry, values, form: { focus: 'password' }, errors: {} },
      },
    };
  }
  if (input === 'd') return { state: { ...state, removing: entry, message: undefined } };
  if (input === 'A') {
    const admin = !entry.admin;
    return {
      state: { ...state, busy: `Saving ${entry.email}…` },
      effect: {
        type: 'update',
        email: entry.email,
        patch: { admin },
        done: `${entry.email} is ${admin ? 'now an admin account' : 'no longer an admin account'}`,
      },
    };
  }
  return { state };
}
