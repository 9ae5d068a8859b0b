// Passwords at rest (Foundation item 6): sealed with AES-256-GCM, never in plaintext
// in the data dir. The key is 32 random bytes in <dataDir>/secret.key, or derived from
// $IMAP_MIGRATE_KEY when set (so the key need not sit beside the data it protects).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { FILE_MODE, systemReason } from './dataDir.ts';

export const KEY_ENV = 'IMAP_MIGRATE_KEY';
export const KEY_FILE = 'secret.key';
export const SEALED_PREFIX = 'enc:v1:';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const ENV_KEY_SALT = 'imap-migrate/IMAP_MIGRATE_KEY/v1';
/** A known plaintext sealed once per data dir, to notice a wrong key before mixing keys. */
const CHECK_PLAINTEXT = 'imap-migrate key check v1';

/** Where the sealed key check is kept (the settings file). */
export interface KeyCheckStore {
  get(): string | undefined;
  set(value: string): void;
}

export interface SecretBoxOptions {
  /** Path of the key file (normally <dataDir>/secret.key). */
  keyFile: string;
  /** $IMAP_MIGRATE_KEY; when non-empty, the key file is not used. */
  envKey?: string;
  /** A read-only box never creates the key file nor writes the key check. */
  writable: boolean;
  check?: KeyCheckStore;
}

/** The stored passwords were sealed with another key. Exit 2 with one actionable line. */
export class SecretKeyError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

export class SecretBox {
  readonly #options: SecretBoxOptions;
  #key: Buffer | undefined;
  #checked = false;

  constructor(options: SecretBoxOptions) {
    this.#options = { ...options, envKey: options.envKey ? options.envKey : undefined };
  }

  /** Where the key comes from, for messages: "IMAP_MIGRATE_KEY" or the key file's path. */
  get keySource(): string {
    return this.#options.envKey ? KEY_ENV : this.#options.keyFile;
  }

  /** `enc:v1:` + base64(iv | tag | ciphertext). A fresh random IV each time. */
  seal(plain: string): string {
    const key = this.#keyFor('seal');
    return sealWith(key, plain);
  }

  open(sealed: string): string {
    if (!isSealed(sealed)) throw new Error('not a sealed value');
    const key = this.#keyFor('open');
    const plain = openWith(key, sealed);
    if (plain === undefined) throw this.#mismatch();
    return plain;
  }

  #mismatch(): SecretKeyError {
    const which = this.#options.envKey ? `the key from ${KEY_ENV}` : `the key in ${this.#options.keyFile}`;
    return new SecretKeyError(
      `cannot decrypt stored passwords: ${which} does not match the one they were saved with` +
        (this.#options.envKey
          ? ` (unset ${KEY_ENV} or set it to that key)`
          : ` (set ${KEY_ENV} to the key they were saved with)`),
    );
  }

  #keyFor(purpose: 'seal' | 'open'): Buffer {
    if (!this.#key) this.#key = this.#loadKey(purpose);
    if (!this.#checked) this.#verify(this.#key, purpose);
    return this.#key;
  }

  #verify(key: Buffer, purpose: 'seal' | 'open'): void {
    const check = this.#options.check;
    if (!check) {
      this.#checked = true;
      return;
    }
    const stored = check.get();
    if (stored !== undefined) {
      if (openWith(key, stored) !== CHECK_PLAINTEXT) throw this.#mismatch();
      this.#checked = true;
    } else if (purpose === 'seal' && this.#options.writable) {
      check.set(sealWith(key, CHECK_PLAINTEXT));
      this.#checked = true;
    }
  }

  #loadKey(purpose: 'seal' | 'open'): Buffer {
    const envKey = this.#options.envKey;
    if (envKey)
      return crypto.scryptSync(envKey, ENV_KEY_SALT, KEY_BYTES, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const file = this.#options.keyFile;
    const existing = readKeyFile(file);
    if (existing) return existing;
    const sealedBefore = this.#options.check?.get() !== undefined;
    if (purpose === 'open' || sealedBefore || !this.#options.writable) {
      throw new SecretKeyError(
        `cannot decrypt stored passwords: the key file ${file} is missing; restore it or set ${KEY_ENV} to the key they were saved with`,
      );
    }
    return createKeyFile(file);
  }
}

function sealWith(key: Buffer, plain: string): string {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

/** The plaintext, or undefined when the key does not match (or the value is damaged). */
function openWith(key: Buffer, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecretKeyError(`cannot read the key file ${file}: ${systemReason(error)}`);
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES)
    throw new SecretKeyError(`the key file ${file} is damaged (it must hold ${KEY_BYTES} bytes in base64)`);
  return key;
}

function createKeyFile(file: string): Buffer {
  const key = crypto.randomBytes(KEY_BYTES);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(file, 'wx', FILE_MODE);
    try {
      fs.writeFileSync(fd, key.toString('base64') + '\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file)!;
    throw new SecretKeyError(`cannot create the key file ${file}: ${systemReason(error)}`);
  }
  return key;
}
