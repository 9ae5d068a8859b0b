// The store facade: opens the data dir (docs/spec.md C4) and hands out settings, the account
// directory, the datastore and the secret box. Writers hold the data dir lock until
// close(); readers take no lock, create nothing and write nothing.
import path from 'node:path';
import { AccountDirectory, ACCOUNTS_COLLECTION, type AccountDoc } from './accounts.ts';
import { dataDirExists, ensureDataDir, resolveDataDir, restrictUmask } from './dataDir.ts';
import { Database } from './database.ts';
import { acquireLock, type LockHandle } from './lock.ts';
import { KEY_ENV, KEY_FILE, SecretBox } from './secrets.ts';
import { Settings } from './settings.ts';

export interface OpenStoreOptions {
  /** `--data-dir`; else $IMAP_MIGRATE_HOME; else the platform default. */
  dataDir?: string;
  /** Take the lock and allow changes. */
  write: boolean;
  /** What holds the lock, named to a second process that finds it taken. */
  command?: string;
  /** Defaults to process.env (for IMAP_MIGRATE_HOME and IMAP_MIGRATE_KEY). */
  env?: NodeJS.ProcessEnv;
}

export interface Store {
  readonly dataDir: string;
  readonly writable: boolean;
  readonly settings: Settings;
  readonly accounts: AccountDirectory;
  readonly db: Database;
  readonly secrets: SecretBox;
  /** Releases the lock (a writer). Safe to call twice. */
  close(): Promise<void>;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const env = options.env ?? process.env;
  const dataDir = resolveDataDir(options.dataDir, env);
  restrictUmask();
  let lock: LockHandle | undefined;
  if (options.write) {
    ensureDataDir(dataDir);
    lock = acquireLock(dataDir, options.command ?? 'imap-migrate');
  } else {
    dataDirExists(dataDir); // a file in its place is reported now
  }
  try {
    const writable = options.write;
    // The settings check the key and the key box reads the settings' check value: a late binding.
    const box: { secrets?: SecretBox } = {};
    const getSecrets = (): SecretBox => box.secrets!;
    const settings = new Settings(dataDir, { writable, secrets: getSecrets });
    const secrets = new SecretBox({
      keyFile: path.join(dataDir, KEY_FILE),
      envKey: env[KEY_ENV],
      writable,
      check: settings.keyCheck,
    });
    box.secrets = secrets;
    const db = new Database(dataDir, { writable });
    const accounts = new AccountDirectory(() => db.collection<AccountDoc>(ACCOUNTS_COLLECTION), getSecrets, {
      writable,
    });
    let closed = false;
    return {
      dataDir,
      writable,
      settings,
      accounts,
      db,
      secrets,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await db.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
