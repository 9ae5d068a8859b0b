// A keyboard form as data: fields, their values, which one has the focus and the edit in
// progress. `formKey` turns one keypress into the next state (pure); screens route keys to
// it when no dialog is open, and act on `submit` / `escape` themselves.
import type { Key } from 'ink';
import { textKey, typedText } from './textEdit.ts';

export interface ChoiceOption {
  value: string;
  label: string;
}

interface FieldBase {
  id: string;
  label: string;
  /** Shown dim and skipped by the focus (e.g. a start time while "start immediately"). */
  disabled?: boolean;
}

export type FieldSpec =
  | (FieldBase & {
      kind: 'text';
      masked?: boolean;
      placeholder?: string;
      /** Columns for the value (else the form's). */
      width?: number;
      /** Shown dim after the value while it has no error (what the value means). */
      hint?: string;
      /**
       * Select on focus (numbers with a default, e.g. Port 143): the first character typed into
       * the field replaces its value instead of being appended (issue 17 point 12).
       */
      replaceOnType?: boolean;
    })
  | (FieldBase & { kind: 'choice'; options: readonly ChoiceOption[] })
  | (FieldBase & { kind: 'toggle'; text: string });

export type FormValues = Record<string, string | boolean>;
export type FormErrors = Record<string, string>;

export interface FormState {
  /** The id of the focused field. */
  focus: string;
  /** The text field being edited: the cursor and the value before the edit. */
  editing?: { id: string; cursor: number; original: string };
}

export type FormResult =
  | { type: 'state'; form: FormState; values: FormValues; changed?: string; committed?: string }
  | { type: 'submit' }
  | { type: 'escape' }
  | { type: 'unhandled' };

export function str(values: FormValues, id: string): string {
  const value = values[id];
  return typeof value === 'string' ? value : '';
}

export function focusable(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.filter((field) => !field.disabled);
}

/** The focus moved by `step` among the enabled fields, wrapping around. */
export function moveFocus(fields: readonly FieldSpec[], focus: string, step: number): string {
  const usable = focusable(fields);
  if (usable.length === 0) return focus;
  const index = usable.findIndex((field) => field.id === focus);
  if (index < 0) return usable[0].id;
  return usable[(index + step + usable.length) % usable.length].id;
}

/** The focus kept on an enabled field (after fields were disabled). */
export function settleFocus(fields: readonly FieldSpec[], focus: string): string {
  const field = fields.find((f) => f.id === focus);
  if (field && !field.disabled) return focus;
  const usable = focusable(fields);
  const after = usable.find((f) => fields.indexOf(f) > fields.findIndex((x) => x.id === focus));
  return (after ?? usable.at(-1) ?? fields[0]).id;
}

function cycle(options: readonly ChoiceOption[], value: string, step: number): string {
  const index = options.findIndex((option) => option.value === value);
  return options[(Math.max(0, index) + step + options.length) % options.length].value;
}

export function formKey(
  fields: readonly FieldSpec[],
  values: FormValues,
  form: FormState,
  input: string,
  key: Key,
): FormResult {
  const field = fields.find((f) => f.id === form.focus) ?? focusable(fields)[0];
  if (!field) return { type: 'unhandled' };
  const moved = (step: number, next: FormValues = values, committed?: string): FormResult => ({
    type: 'state',
    form: { focus: moveFocus(fields, field.id, step) },
    values: next,
    committed,
  });

  if (form.editing && field.kind === 'text' && form.editing.id === field.id) {
    const result = textKey(str(values, field.id), form.editing.cursor, input, key);
    switch (result.kind) {
      case 'edit':
        return {
          type: 'state',
          form: { ...form, editing: { ...form.editing, cursor: result.cursor } },
          values: { ...values, [field.id]: result.value },
          changed: field.id,
        };
      case 'cancel':
        return {
          type: 'state',
          form: { focus: field.id },
          values: { ...values, [field.id]: form.editing.original },
          changed: field.id,
          committed: field.id,
        };
      case 'commit':
        return { type: 'state', form: { focus: field.id }, values, committed: field.id };
      case 'next':
        return moved(1, values, field.id);
      case 'prev':
        return moved(-1, values, field.id);
      default:
        return { type: 'state', form, values };
    }
  }

  if (key.tab) return moved(key.shift ? -1 : 1);
  if (key.downArrow) return moved(1);
  if (key.upArrow) return moved(-1);
  if (key.return) return { type: 'submit' };
  if (key.escape) return { type: 'escape' };

  if (field.kind === 'text') {
    const current = str(values, field.id);
    if (key.backspace || key.delete || (key.ctrl && input === 'u')) {
      const value = key.ctrl ? '' : current.slice(0, -1);
      return {
        type: 'state',
        form: { focus: field.id, editing: { id: field.id, cursor: value.length, original: current } },
        values: { ...values, [field.id]: value },
        changed: field.id,
      };
    }
    const text = typedText(input, key);
    if (text.length > 0) {
      const value = field.replaceOnType ? text : current + text;
      return {
        type: 'state',
        form: { focus: field.id, editing: { id: field.id, cursor: value.length, original: current } },
        values: { ...values, [field.id]: value },
        changed: field.id,
      };
    }
    return { type: 'unhandled' };
  }
  if (field.kind === 'choice' && (key.leftArrow || key.rightArrow || input === ' ')) {
    const value = cycle(field.options, str(values, field.id), key.leftArrow ? -1 : 1);
    return { type: 'state', form, values: { ...values, [field.id]: value }, changed: field.id, committed: field.id };
  }
  if (field.kind === 'toggle' && (key.leftArrow || key.rightArrow || input === ' ')) {
    return {
      type: 'state',
      form,
      values: { ...values, [field.id]: !values[field.id] },
      changed: field.id,
      committed: field.id,
    };
  }
  return { type: 'unhandled' };
}

/** The reason to show on the status line: the focused field's, else the first field's. */
export function firstError(fields: readonly FieldSpec[], errors: FormErrors, focus: string): string | undefined {
  return errors[focus] ?? fields.map((field) => errors[field.id]).find(Boolean);
}

/** Applies a validator to the fields it knows: an error per field id. */
export type Validator = (values: FormValues) => FormErrors;

/**
 * The errors after a change: a committed field is checked again; a field being typed
 * is checked only when it was already wrong (so the reason goes away once fixed).
 */
export function revalidate(errors: FormErrors, all: FormErrors, changed?: string, committed?: string): FormErrors {
  const next = { ...errors };
  for (const id of [changed, committed]) {
    if (!id) continue;
    if (id === committed || id in errors) {
      if (all[id]) next[id] = all[id];
      else delete next[id];
    }
  }
  return next;
}

/**
 * Runs `parse` and records its reason under `id` when it throws. The shared parsers
 * (source/shared/fields.ts) are given the field's label, so their message names it already.
 */
export function check<T>(errors: FormErrors, id: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    errors[id] = error instanceof Error ? error.message : String(error);
    return undefined;
  }
}
