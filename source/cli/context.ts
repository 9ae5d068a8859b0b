// Opens the store for one command from its parsed arguments, and closes it (releasing
// the data dir lock) whatever happens.
import { openStore, type Store } from '../store/store.ts';

export interface StoreArgs {
  'data-dir'?: string;
  _?: (string | number)[];
}

/** The command line words that name the command, e.g. "accounts import", for the lock holder. */
export function commandName(argv: StoreArgs): string {
  const words = (argv._ ?? []).map(String).slice(0, 2);
  return ['imap-migrate', ...words].join(' ');
}

/**
 * Opens the store (`write`: takes the lock; otherwise read-only, no lock), runs `fn`,
 * closes. Reading commands use write: false so they work while a sync runs.
 */
export async function withStore<T>(
  argv: StoreArgs,
  options: { write: boolean },
  fn: (store: Store) => Promise<T> | T,
): Promise<T> {
  const store = await openStore({ dataDir: argv['data-dir'], write: options.write, command: commandName(argv) });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
