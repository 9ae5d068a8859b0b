// The settings screen (docs/spec.md C1, C3) as a pure state machine: the destination server and the
// SMTP server for notifications, each saved on its own after every field is checked.
import type { Key } from 'ink';
import { defaultPort, parseEmail, parseHost, parsePort, parseUser } from '../../shared/fields.ts';
import type { TlsMode } from '../../imap/endpoint.ts';
import type { DashboardBackend, DestinationView, SmtpView } from '../backend.ts';
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

export type Section = 'destination' | 'smtp';

const TLS_OPTIONS = [
  { value: 'none', label: 'none' },
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'tls', label: 'TLS (implicit)' },
] as const;

const smtpPort = (tls: TlsMode) => (tls === 'tls' ? 465 : tls === 'starttls' ? 587 : 25);

export function destinationFields(view?: DestinationView): FieldSpec[] {
  return [
    { kind: 'text', id: 'd.host', label: 'Host', placeholder: 'e.g. imap.new-provider.com' },
    { kind: 'text', id: 'd.port', label: 'Port', replaceOnType: true },
    { kind: 'choice', id: 'd.tls', label: 'TLS', options: TLS_OPTIONS },
    { kind: 'toggle', id: 'd.allowInvalidCert', label: 'Certificate', text: 'allow an invalid certificate' },
    { kind: 'text', id: 'd.adminUser', label: 'Admin user', placeholder: 'blank: each account’s own password' },
    {
      kind: 'text',
      id: 'd.adminPassword',
      label: 'Admin password',
      masked: true,
      placeholder: view?.hasAdminPassword ? 'stored (blank keeps it)' : 'not set',
    },
    { kind: 'text', id: 'd.testAccount', label: 'Test as', placeholder: 'optional account for Ctrl+T' },
  ];
}

export function smtpFields(view?: SmtpView): FieldSpec[] {
  return [
    { kind: 'text', id: 's.host', label: 'SMTP host', placeholder: 'e.g. smtp.example.com' },
    { kind: 'text', id: 's.port', label: 'Port', replaceOnType: true },
    { kind: 'choice', id: 's.tls', label: 'TLS', options: TLS_OPTIONS },
    { kind: 'toggle', id: 's.allowInvalidCert', label: 'Certificate', text: 'allow an invalid certificate' },
    { kind: 'text', id: 's.user', label: 'User', placeholder: 'blank: no login' },
    {
      kind: 'text',
      id: 's.password',
      label: 'Password',
      masked: true,
      placeholder: view?.hasPassword ? 'stored (blank keeps it)' : 'not set',
    },
    { kind: 'text', id: 's.from', label: 'From', placeholder: 'e.g. migration@example.com' },
  ];
}

export interface SettingsState {
  destination?: DestinationView;
  smtp?: SmtpView;
  values: FormValues;
  form: FormState;
  errors: FormErrors;
  /** A port typed by the user no longer follows the TLS choice. */
  portTouched: { destination: boolean; smtp: boolean };
  dirty: { destination: boolean; smtp: boolean };
  confirmLeave?: boolean;
  busy?: string;
  message?: { text: string; tone: 'error' | 'ok' | 'info' };
  test?: { ok: true; text: string } | { ok: false; text: string };
}

export type SettingsEffect =
  | { type: 'back' }
  | { type: 'saveDestination'; settings: Parameters<DashboardBackend['setDestination']>[0]; thenTest?: string | null }
  | { type: 'saveSmtp'; settings: Parameters<DashboardBackend['setSmtp']>[0] }
  | { type: 'test'; account?: string };

export interface SettingsResult {
  state: SettingsState;
  effect?: SettingsEffect;
}

export function initialSettings(destination?: DestinationView, smtp?: SmtpView): SettingsState {
  const dTls = destination?.tls ?? 'starttls';
  const sTls = smtp?.tls ?? 'starttls';
  return {
    destination,
    smtp,
    values: {
      'd.host': destination?.host ?? '',
      'd.port': String(destination?.port ?? defaultPort(dTls)),
      'd.tls': dTls,
      'd.allowInvalidCert': destination?.allowInvalidCert ?? false,
      'd.adminUser': destination?.adminUser ?? '',
      'd.adminPassword': '',
      'd.testAccount': '',
      's.host': smtp?.host ?? '',
      's.port': String(smtp?.port ?? smtpPort(sTls)),
      's.tls': sTls,
      's.allowInvalidCert': smtp?.allowInvalidCert ?? false,
      's.user': smtp?.user ?? '',
      's.password': '',
      's.from': smtp?.from ?? '',
    },
    form: { focus: 'd.host' },
    errors: {},
    portTouched: {
      destination: destination ? destination.port !== defaultPort(dTls) : false,
      smtp: smtp ? smtp.port !== smtpPort(sTls) : false,
    },
    dirty: { destination: false, smtp: false },
  };
}

export const sectionOf = (id: string): Section => (id.startsWith('s.') ? 'smtp' : 'destination');

export function validate(state: SettingsState, section: Section): FormErrors {
  const v = state.values;
  const errors: FormErrors = {};
  if (section === 'destination') {
    check(errors, 'd.host', () => parseHost(str(v, 'd.host'), 'Host'));
    check(errors, 'd.port', () => parsePort(str(v, 'd.port'), 'Port'));
    const user = str(v, 'd.adminUser').trim();
    if (user) check(errors, 'd.adminUser', () => parseUser(user, 'Admin user'));
    if (
      user &&
      !str(v, 'd.adminPassword') &&
      !(state.destination?.hasAdminPassword && state.destination.adminUser === user)
    ) {
      errors['d.adminPassword'] = 'Admin password is needed with a new admin user';
    }
    if (!user && str(v, 'd.adminPassword')) errors['d.adminUser'] = 'Admin user is needed with an admin password';
    if (str(v, 'd.testAccount').trim())
      check(errors, 'd.testAccount', () => parseEmail(str(v, 'd.testAccount'), 'Test as'));
  } else {
    check(errors, 's.host', () => parseHost(str(v, 's.host'), 'SMTP host'));
    check(errors, 's.port', () => parsePort(str(v, 's.port'), 'Port'));
    const user = str(v, 's.user').trim();
    if (user) check(errors, 's.user', () => parseUser(user, 'User'));
    if (!user && str(v, 's.password')) errors['s.user'] = 'User is needed with a password';
    check(errors, 's.from', () => parseEmail(str(v, 's.from'), 'From'));
  }
  return errors;
}

function allFields(state: SettingsState): FieldSpec[] {
  return [...destinationFields(state.destination), ...smtpFields(state.smtp)];
}

/** Every field of the section checked; the focus on the first wrong one, else the save. */
export function save(state: SettingsState, section: Section, thenTest = false): SettingsResult {
  const errors = validate(state, section);
  const fields = section === 'destination' ? destinationFields(state.destination) : smtpFields(state.smtp);
  const wrong = fields.find((field) => errors[field.id]);
  const others = Object.fromEntries(Object.entries(state.errors).filter(([id]) => sectionOf(id) !== section));
  if (wrong)
    return {
      state: {
        ...state,
        errors: { ...others, ...errors },
        form: { focus: wrong.id },
        message: { text: errors[wrong.id], tone: 'error' },
      },
    };
  const v = state.values;
  const next = { ...state, errors: others, message: undefined };
  if (section === 'destination') {
    const user = str(v, 'd.adminUser').trim();
    const password = str(v, 'd.adminPassword');
    const account = str(v, 'd.testAccount').trim();
    return {
      state: { ...next, busy: 'Saving the destination…' },
      effect: {
        type: 'saveDestination',
        settings: {
          host: parseHost(str(v, 'd.host'), 'Host'),
          port: parsePort(str(v, 'd.port'), 'Port'),
          tls: str(v, 'd.tls') as TlsMode,
          allowInvalidCert: Boolean(v['d.allowInvalidCert']),
          ...(user ? { adminUser: user } : {}),
          ...(user && password ? { adminPassword: password } : {}),
        },
        thenTest: thenTest ? account || null : undefined,
      },
    };
  }
  const user = str(v, 's.user').trim();
  const password = str(v, 's.password');
  return {
    state: { ...next, busy: 'Saving the SMTP settings…' },
    effect: {
      type: 'saveSmtp',
      settings: {
        host: parseHost(str(v, 's.host'), 'SMTP host'),
        port: parsePort(str(v, 's.port'), 'Port'),
        tls: str(v, 's.tls') as TlsMode,
        allowInvalidCert: Boolean(v['s.allowInvalidCert']),
        ...(user ? { user } : {}),
        ...(user && password ? { password } : {}),
        from: parseEmail(str(v, 's.from'), 'From'),
      },
    },
  };
}

export function settingsKey(state: SettingsState, input: string, key: Key): SettingsResult {
  if (state.busy) return { state };
  if (state.confirmLeave) {
    return yesNoKey(input, key) === 'yes'
      ? { state: { ...state, confirmLeave: false }, effect: { type: 'back' } }
      : { state: { ...state, confirmLeave: false } };
  }
  if (key.ctrl && input === 't' && !state.form.editing) {
    if (state.dirty.destination) return save(state, 'destination', true);
    const account = str(state.values, 'd.testAccount').trim();
    if (account) {
      const errors = validate(state, 'destination');
      if (errors['d.testAccount'])
        return {
          state: {
            ...state,
            errors: { ...state.errors, 'd.testAccount': errors['d.testAccount'] },
            form: { focus: 'd.testAccount' },
          },
        };
    }
    return {
      state: { ...state, busy: 'Testing the destination login…', test: undefined },
      effect: { type: 'test', ...(account ? { account } : {}) },
    };
  }
  const fields = allFields(state);
  const result = formKey(fields, state.values, state.form, input, key);
  if (result.type === 'unhandled') return { state };
  if (result.type === 'submit') return save(state, sectionOf(state.form.focus));
  if (result.type === 'escape') {
    return state.dirty.destination || state.dirty.smtp
      ? { state: { ...state, confirmLeave: true } }
      : { state, effect: { type: 'back' } };
  }
  let values = result.values;
  const changed = result.changed;
  const portTouched = { ...state.portTouched };
  const dirty = { ...state.dirty };
  if (changed && changed !== 'd.testAccount') dirty[sectionOf(changed)] = true;
  if (changed === 'd.port') portTouched.destination = true;
  if (changed === 's.port') portTouched.smtp = true;
  if (changed === 'd.tls' && !portTouched.destination)
    values = { ...values, 'd.port': String(defaultPort(str(values, 'd.tls') as TlsMode)) };
  if (changed === 's.tls' && !portTouched.smtp)
    values = { ...values, 's.port': String(smtpPort(str(values, 's.tls') as TlsMode)) };
  const next = { ...state, values, portTouched, dirty };
  const section = sectionOf(changed ?? result.committed ?? state.form.focus);
  const errors = revalidate(state.errors, validate(next, section), changed, result.committed);
  return {
    state: { ...next, form: result.form, errors, message: changed || result.committed ? undefined : state.message },
  };
}
