// The account directory (docs/spec.md C2): destination accounts with an optional password
// (sealed at rest), an admin flag and a display name, in the `accounts` collection.
import { UsageError } from '../errors.ts';
import { parseCsv } from './csv.ts';
import type { Collection } from './database.ts';
import { isSealed, type SecretBox } from './secrets.ts';
import { hasControlCharacter } from '../shared/text.ts';
import { displayNameProblem, emailProblem, normalizeEmail } from '../shared/fields.ts';

// Moved to source/shared (the UI checks the same way); re-exported for the store's callers.
export { displayNameProblem, emailProblem, normalizeEmail };

const hasControl = (text: string) => hasControlCharacter(text, { c1: true });

export const ACCOUNTS_COLLECTION = 'accounts';
export const CSV_HEADER = ['email', 'password', 'admin'] as const;

/** The stored document. `password` is sealed (`enc:v1:...`). */
export interface AccountDoc {
  email: string;
  password?: string;
  admin: boolean;
  displayName?: string;
  createdAt: Date;
  updatedAt?: Date;
}

export interface AccountInput {
  email: string;
  password?: string;
  admin?: boolean;
  displayName?: string;
}

/** `null` removes the password or the display name. */
export interface AccountPatch {
  password?: string | null;
  admin?: boolean;
  displayName?: string | null;
}

/** An account without its password (what lists and tables show). */
export interface AccountInfo {
  email: string;
  admin: boolean;
  displayName?: string;
  hasPassword: boolean;
  createdAt: Date;
  updatedAt?: Date;
}

/** An account with its password decrypted (when it has one). */
export interface Account extends AccountInfo {
  password?: string;
}

/** One account to import; `line` is where it came from, for messages. */
export interface ImportRow {
  line?: number;
  email: string;
  /** Empty or undefined: no password (on --update: keep the current one). */
  password?: string;
  admin: boolean;
}

export interface ImportResult {
  added: number;
  updated: number;
}

/** Why `password` cannot be stored, or undefined. Never quotes the password. */
export function passwordProblem(password: string): string | undefined {
  if (hasControl(password)) return 'the password holds a control character (tab, line break, ...)';
  if (password.length > 1024) return 'the password is longer than 1024 characters';
  return undefined;
}

const ADMIN_VALUES: Record<string, boolean> = {
  yes: true,
  y: true,
  true: true,
  '1': true,
  no: false,
  n: false,
  false: false,
  '0': false,
  '': false,
};

/** yes|no|true|false|1|0|y|n or empty (= no), any case; undefined when none of them. */
export function parseAdminFlag(value: string): boolean | undefined {
  return ADMIN_VALUES[value.trim().toLowerCase()];
}

function notFound(email: string): UsageError {
  return new UsageError(`no account ${email} in the directory; see \`imap-migrate accounts list\``);
}

export class AccountDirectory {
  readonly #open: () => Collection<AccountDoc>;
  readonly #secrets: () => SecretBox;
  readonly #writable: boolean;
  #indexed: Promise<void> | undefined;

  /** `collection` is called on first use, so that a command that never looks at accounts opens no file. */
  constructor(collection: () => Collection<AccountDoc>, secrets: () => SecretBox, options: { writable: boolean }) {
    this.#open = collection;
    this.#secrets = secrets;
    this.#writable = options.writable;
  }

  get #collection(): Collection<AccountDoc> {
    return this.#open();
  }

  async add(input: AccountInput): Promise<AccountInfo> {
    await this.#ready();
    const email = this.#checkEmail(input.email);
    if (await this.#find(email)) {
      throw new UsageError(
        `${email} is already in the directory; use \`imap-migrate accounts edit ${email}\` to change it`,
      );
    }
    const doc = this.#newDoc({ ...input, email });
    const inserted = await this.#collection.insert(doc);
    return info(inserted);
  }

  async update(email: string, patch: AccountPatch): Promise<AccountInfo> {
    await this.#ready();
    const key = normalizeEmail(email);
    const current = await this.#find(key);
    if (!current) throw notFound(key);
    const $set: Record<string, unknown> = { updatedAt: new Date() };
    const $unset: Record<string, true> = {};
    if (patch.admin !== undefined) $set.admin = patch.admin;
    if (patch.password === null || patch.password === '') $unset.password = true;
    else if (patch.password !== undefined) $set.password = this.#seal(patch.password);
    if (patch.displayName === null || patch.displayName === '') $unset.displayName = true;
    else if (patch.displayName !== undefined) {
      const problem = displayNameProblem(patch.displayName);
      if (problem) throw new UsageError(problem);
      $set.displayName = patch.displayName;
    }
    const modifier = Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
    await this.#collection.update({ email: key }, modifier, {});
    return info((await this.#find(key))!);
  }

  async remove(email: string): Promise<void> {
    await this.#ready();
    const key = normalizeEmail(email);
    const removed = await this.#collection.remove({ email: key }, { multi: false });
    if (removed === 0) throw notFound(key);
  }

  /** The account with its password decrypted, or undefined. */
  async get(email: string): Promise<Account | undefined> {
    const doc = await this.#find(normalizeEmail(email));
    return doc ? this.#reveal(doc) : undefined;
  }

  async has(email: string): Promise<boolean> {
    return (await this.#collection.count({ email: normalizeEmail(email) })) > 0;
  }

  /**
   * Accounts sorted by email. Passwords are only decrypted with `withPasswords`
   * (so listing works even when the key is not at hand). `admin` filters the group.
   */
  async list(options: { withPasswords?: boolean; admin?: boolean } = {}): Promise<Account[]> {
    const query = options.admin === undefined ? {} : { admin: options.admin };
    const docs = await this.#collection.find(query).sort({ email: 1 });
    return docs.map((doc) => (options.withPasswords ? this.#reveal(doc) : info(doc)));
  }

  /**
   * Adds (and with `update`, changes) many accounts: every row is checked first and
   * nothing is written unless all are good. Problems come back as one UsageError whose
   * details are `line L: reason`. New accounts are written in one NeDB insert.
   */
  async importRows(rows: ImportRow[], options: { update?: boolean; source?: string } = {}): Promise<ImportResult> {
    await this.#ready();
    const existing = new Set((await this.#collection.find({}, { email: 1 })).map((doc) => doc.email));
    const problems = checkImportRows(rows, existing, options.update ?? false);
    if (problems.length > 0)
      throw badRows(
        options.source ?? 'import',
        problems.length,
        problems.map((p) => p.text),
      );
    const now = new Date();
    const fresh: AccountDoc[] = [];
    const changes: ImportRow[] = [];
    for (const row of rows) {
      const email = normalizeEmail(row.email);
      if (existing.has(email)) changes.push({ ...row, email });
      else fresh.push(this.#newDoc({ email, password: row.password || undefined, admin: row.admin }, now));
    }
    // Seal everything before the first write, so a key problem writes nothing.
    const sealedChanges = changes.map((row) => ({ row, sealed: row.password ? this.#seal(row.password) : undefined }));
    if (fresh.length > 0) await this.#collection.insert(fresh);
    for (const { row, sealed } of sealedChanges) {
      const $set: Record<string, unknown> = { admin: row.admin, updatedAt: now };
      if (sealed) $set.password = sealed;
      await this.#collection.update({ email: row.email }, { $set }, {});
    }
    return { added: fresh.length, updated: changes.length };
  }

  /**
   * Imports CSV text with the header `email,password,admin`. Every row is checked
   * (columns, email, password, admin value, duplicates in the file, already in the
   * directory unless `update`); on any bad row nothing is imported and the UsageError
   * says `SOURCE: N bad rows, nothing imported` with one detail line per bad row.
   */
  async importCsv(text: string, options: { update?: boolean; source: string }): Promise<ImportResult> {
    const { rows, problems } = parseAccountsCsv(text, options.source);
    if (problems.length > 0) {
      // Report the rows that are good in shape but clash with the directory too.
      const existing = new Set((await this.#collection.find({}, { email: 1 })).map((doc) => doc.email));
      const all = [...problems, ...checkImportRows(rows, existing, options.update ?? false)].sort(
        (a, b) => a.line - b.line,
      );
      throw badRows(
        options.source,
        all.length,
        all.map((p) => p.text),
      );
    }
    return this.importRows(rows, options);
  }

  /** CSV `email,password,admin`; the password column is empty unless `withPasswords`. */
  async exportRows(options: { withPasswords?: boolean } = {}): Promise<string[][]> {
    const accounts = await this.list({ withPasswords: options.withPasswords });
    return [
      [...CSV_HEADER],
      ...accounts.map((a) => [a.email, options.withPasswords ? (a.password ?? '') : '', a.admin ? 'yes' : 'no']),
    ];
  }

  #ready(): Promise<void> {
    if (!this.#writable) return Promise.resolve();
    this.#indexed ??= this.#collection.ensureIndex({ fieldName: 'email', unique: true });
    return this.#indexed;
  }

  #find(email: string): Promise<(AccountDoc & { _id: string }) | null> {
    return this.#collection.findOne({ email });
  }

  #checkEmail(raw: string): string {
    const email = normalizeEmail(raw);
    const problem = emailProblem(email);
    if (problem) throw new UsageError(problem);
    return email;
  }

  #seal(password: string): string {
    const problem = passwordProblem(password);
    if (problem) throw new UsageError(problem);
    return this.#secrets().seal(password);
  }

  #newDoc(input: AccountInput, now = new Date()): AccountDoc {
    const doc: AccountDoc = { email: input.email, admin: input.admin ?? false, createdAt: now };
    if (input.password !== undefined && input.password !== '') doc.password = this.#seal(input.password);
    if (input.displayName !== undefined && input.displayName !== '') {
      const problem = displayNameProblem(input.displayName);
      if (problem) throw new UsageError(problem);
      doc.displayName = input.displayName;
    }
    return doc;
  }

  #reveal(doc: AccountDoc): Account {
    const account: Account = info(doc);
    if (doc.password !== undefined) {
      if (!isSealed(doc.password)) throw new Error(`the stored password of ${doc.email} is not sealed; set it again`);
      account.password = this.#secrets().open(doc.password);
    }
    return account;
  }
}

function info(doc: AccountDoc): AccountInfo {
  const result: AccountInfo = {
    email: doc.email,
    admin: doc.admin,
    hasPassword: doc.password !== undefined,
    createdAt: doc.createdAt,
  };
  if (doc.displayName !== undefined) result.displayName = doc.displayName;
  if (doc.updatedAt !== undefined) result.updatedAt = doc.updatedAt;
  return result;
}

function badRows(source: string, count: number, details: string[]): UsageError {
  return new UsageError(`${source}: ${count} bad row${count === 1 ? '' : 's'}, nothing imported`, details);
}

export interface RowProblem {
  line: number;
  text: string;
}

/** Duplicates within the rows, already present (unless update), bad email or password. */
function checkImportRows(rows: ImportRow[], existing: Set<string>, update: boolean): RowProblem[] {
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const line = row.line ?? index + 1;
    const email = normalizeEmail(row.email);
    const reason =
      emailProblem(email) ??
      (row.password ? passwordProblem(row.password) : undefined) ??
      (seen.has(email) ? `${email} is also on line ${seen.get(email)}` : undefined) ??
      (existing.has(email) && !update ? `${email} is already in the directory (use --update to change it)` : undefined);
    if (!seen.has(email)) seen.set(email, line);
    if (reason) problems.push({ line, text: `line ${line}: ${reason}` });
  });
  return problems;
}

/**
 * Parses and checks the shape of an accounts CSV: header, 3 columns, email, password,
 * admin value, duplicates within the file. A bad header throws a UsageError; bad rows
 * come back as problems (`line L: reason`), the good rows as rows.
 */
export function parseAccountsCsv(text: string, source: string): { rows: ImportRow[]; problems: RowProblem[] } {
  const records = parseCsv(text);
  if (records.length === 0)
    throw new UsageError(`${source} is empty; the first line must be the header ${CSV_HEADER.join(',')}`);
  const [header, ...data] = records;
  const names = header.fields.map((field) => field.trim().toLowerCase());
  if (header.error || names.join(',') !== CSV_HEADER.join(',')) {
    const found = header.fields.join(',').slice(0, 80);
    throw new UsageError(
      `${source}: line ${header.line}: the header must be ${CSV_HEADER.join(',')} (found ${JSON.stringify(found)})`,
    );
  }
  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const record of data) {
    const reason = rowProblem(record.fields, record.error);
    if (reason) {
      problems.push({ line: record.line, text: `line ${record.line}: ${reason}` });
      continue;
    }
    const [email, password, admin] = record.fields;
    const key = normalizeEmail(email);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({ line: record.line, text: `line ${record.line}: ${key} is also on line ${earlier}` });
      continue;
    }
    seen.set(key, record.line);
    rows.push({
      line: record.line,
      email: key,
      password: password === '' ? undefined : password,
      admin: parseAdminFlag(admin)!,
    });
  }
  return { rows, problems };
}

function rowProblem(fields: string[], parseError: string | undefined): string | undefined {
  if (parseError) return parseError;
  if (fields.length !== 3) return `expected 3 columns (email,password,admin), found ${fields.length}`;
  const [email, password, admin] = fields;
  if (hasControl(email)) return 'the email address holds a control character';
  const emailReason = emailProblem(normalizeEmail(email));
  if (emailReason) return emailReason;
  const passwordReason = passwordProblem(password);
  if (passwordReason) return passwordReason;
  if (hasControl(admin)) return 'the admin column holds a control character';
  if (parseAdminFlag(admin) === undefined) {
    return `admin must be yes, no, true, false, 1, 0, y, n or empty, not ${JSON.stringify(admin.slice(0, 20))}`;
  }
  return undefined;
}
