// Settings (docs/spec.md C1 destination, C3 SMTP) in <dataDir>/settings.json through conf.
// Passwords are plaintext in memory and sealed at rest (SecretBox).
import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import type { ServerEndpoint, TlsMode } from '../imap/endpoint.ts';
import { FILE_MODE } from './dataDir.ts';
import { isSealed, type SecretBox } from './secrets.ts';

export const SETTINGS_NAME = 'settings';
export const MASK = '********';

export interface DestinationSettings extends ServerEndpoint {
  /** Admin/master login used to log in as every account (SASL PLAIN with authzid). */
  adminUser?: string;
  /** Plaintext in memory, sealed at rest. */
  adminPassword?: string;
}

export interface SmtpSettings {
  host: string;
  port: number;
  tls: TlsMode;
  allowInvalidCert: boolean;
  user?: string;
  /** Plaintext in memory, sealed at rest. */
  password?: string;
  from: string;
}

/**
 * How passwords come back from a getter: `decrypt` (the plaintext, needs the key) or
 * `mask` (MASK when one is set; never needs the key, for `show`).
 */
export type SecretsView = 'decrypt' | 'mask';

interface StoredSettings {
  destination?: DestinationSettings;
  smtp?: SmtpSettings;
  /** Sealed known text: tells a wrong key apart before anything is sealed with it. */
  secretsCheck?: string;
  [key: string]: unknown;
}

export class Settings {
  readonly file: string;
  readonly #conf: Conf<StoredSettings> | undefined;
  readonly #writable: boolean;
  readonly #secrets: () => SecretBox;

  /**
   * A writable Settings creates the file on the first set. A read-only one never
   * creates anything: with no file, every getter returns undefined.
   */
  constructor(dataDir: string, options: { writable: boolean; secrets: () => SecretBox }) {
    this.file = path.join(dataDir, `${SETTINGS_NAME}.json`);
    this.#writable = options.writable;
    this.#secrets = options.secrets;
    if (options.writable || fs.existsSync(this.file)) {
      try {
        this.#conf = new Conf<StoredSettings>({
          cwd: dataDir,
          configName: SETTINGS_NAME,
          configFileMode: FILE_MODE,
          accessPropertiesByDotNotation: false,
        });
      } catch (error) {
        throw new Error(
          `cannot read settings file ${this.file}: ${(error as Error).message.split('\n')[0]}; fix or remove it`,
          { cause: error },
        );
      }
    }
  }

  getDestination(view: SecretsView = 'decrypt'): DestinationSettings | undefined {
    const stored = this.#conf?.get('destination');
    if (!stored) return undefined;
    const { adminPassword, ...rest } = stored;
    return { ...rest, ...(adminPassword !== undefined ? { adminPassword: this.#reveal(adminPassword, view) } : {}) };
  }

  setDestination(destination: DestinationSettings): void {
    const { adminPassword, ...rest } = destination;
    this.#set('destination', {
      ...clean(rest),
      ...(adminPassword !== undefined ? { adminPassword: this.#secrets().seal(adminPassword) } : {}),
    });
  }

  getSmtp(view: SecretsView = 'decrypt'): SmtpSettings | undefined {
    const stored = this.#conf?.get('smtp');
    if (!stored) return undefined;
    const { password, ...rest } = stored;
    return { ...rest, ...(password !== undefined ? { password: this.#reveal(password, view) } : {}) };
  }

  setSmtp(smtp: SmtpSettings): void {
    const { password, ...rest } = smtp;
    this.#set('smtp', {
      ...clean(rest),
      ...(password !== undefined ? { password: this.#secrets().seal(password) } : {}),
    });
  }

  /** A plain setting for other layers (e.g. UI preferences). Never put a password here. */
  getValue<T>(key: string): T | undefined {
    return this.#conf?.get(key) as T | undefined;
  }

  setValue(key: string, value: unknown): void {
    if (value === undefined) this.#delete(key);
    else this.#set(key, value);
  }

  /** For SecretBox: the sealed key check. */
  readonly keyCheck = {
    get: (): string | undefined => this.#conf?.get('secretsCheck'),
    set: (value: string): void => this.#set('secretsCheck', value),
  };

  #reveal(stored: string, view: SecretsView): string {
    if (view === 'mask') return MASK;
    // A value that is not sealed never gets written by this code; refuse rather than leak.
    if (!isSealed(stored)) throw new Error(`a password in ${this.file} is not sealed; set it again`);
    return this.#secrets().open(stored);
  }

  #set(key: string, value: unknown): void {
    if (!this.#writable || !this.#conf) throw new Error('settings are open read-only');
    this.#conf.set(key, value);
  }

  #delete(key: string): void {
    if (!this.#writable || !this.#conf) throw new Error('settings are open read-only');
    this.#conf.delete(key);
  }
}

/** Drops undefined fields (conf/JSON would drop them anyway; this keeps objects comparable). */
function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
