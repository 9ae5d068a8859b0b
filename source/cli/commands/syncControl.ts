// The controls of docs/spec.md D2–D4 and L2 from the command line: start, pause, stop, restart,
// threads, note, recreate, test-auth. A running sync lives in the process that holds the
// data dir (the dashboard or `imap-migrate run`); from here, while that process runs, the
// lock refuses with exit 3 naming it.
import type { CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../../errors.ts';
import type { SyncManager } from '../../engine/syncManager.ts';
import type { SyncRecord } from '../../engine/syncModel.ts';
import { DEFAULT_CONNECTIONS } from '../../engine/types.ts';
import type { Store } from '../../store/store.ts';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';
import { emit, formatTable } from '../output.ts';
import { parseSyncSettings, parseThreads, type SyncCreateArgs } from '../syncOptions.ts';
import { syncRepository } from '../syncRepository.ts';
import { createOptions } from '../syncCreateOptions.ts';
import { hasControlCharacter } from '../../shared/text.ts';

type Args = GlobalOptions & { _: (string | number)[]; id: string };

/** Opens the store for writing and a manager on it, with crashed runs marked Interrupted first. */
async function withManager<T>(
  argv: Args,
  fn: (manager: SyncManager, user: string, store: Store) => Promise<T>,
): Promise<T> {
  return withStore(argv, { write: true }, async (store) => {
    const { createSyncManager, osUser, ControlError, NoDestinationError } = await import('../engine.ts');
    const manager = createSyncManager(store);
    await manager.recoverInterrupted();
    try {
      return await fn(manager, osUser(), store);
    } catch (error) {
      if (error instanceof ControlError || error instanceof NoDestinationError) throw new UsageError(error.message);
      throw error;
    }
  });
}

const queued = (sync: SyncRecord) =>
  `Sync ${sync.id} is queued: it starts when \`imap-migrate run\` or the dashboard is running ` +
  `(to run it now in the foreground: imap-migrate sync run ${sync.id})`;

const start: CommandModule<GlobalOptions, Args> = {
  command: 'start <id>',
  describe: 'Start a manual or scheduled sync (picked up by `imap-migrate run` or the dashboard)',
  handler: (argv) =>
    withManager(argv, async (manager, user) => {
      const sync = await manager.queueStart(String(argv.id), user, 'start');
      emit(argv, queued(sync), { id: sync.id, status: 'Scheduled' });
    }),
};

const restart: CommandModule<GlobalOptions, Args> = {
  command: 'restart <id>',
  describe:
    'Restart a paused, stopped, interrupted or completed sync: a new run that continues where the last left off',
  handler: (argv) =>
    withManager(argv, async (manager, user) => {
      const sync = await manager.queueStart(String(argv.id), user, 'restart');
      emit(argv, queued(sync), { id: sync.id, status: 'Scheduled' });
    }),
};

const pause: CommandModule<GlobalOptions, Args> = {
  command: 'pause <id>',
  describe: 'Pause a scheduled sync (a running one: from the process that runs it)',
  handler: (argv) =>
    withManager(argv, async (manager, user) => {
      const status = await manager.pause(String(argv.id), user);
      emit(argv, `Sync ${argv.id}: ${status}`, { id: argv.id, status });
    }),
};

const stop: CommandModule<GlobalOptions, Args> = {
  command: 'stop <id>',
  describe: 'Stop a sync',
  handler: (argv) =>
    withManager(argv, async (manager, user) => {
      const status = await manager.stop(String(argv.id), user);
      emit(argv, `Sync ${argv.id}: ${status}`, { id: argv.id, status });
    }),
};

const threads: CommandModule<GlobalOptions, Args & { threads: string }> = {
  command: 'threads <id> <threads>',
  describe: 'Set how many accounts are synced at once',
  handler: (argv) =>
    withManager(argv, async (manager, user) => {
      const count = parseThreads(argv.threads, 'threads');
      await manager.setThreads(String(argv.id), count, user);
      emit(argv, `Sync ${argv.id}: ${count} threads`, { id: argv.id, threads: count });
    }),
};

const note: CommandModule<GlobalOptions, Args & { text: string }> = {
  command: 'note <id> <text>',
  describe: 'Add a note to the sync history',
  handler: (argv) =>
    withManager(argv, async (manager, user) => {
      const text = String(argv.text).trim();
      if (!text || text.length > 2000 || hasControlCharacter(text, { allowTab: true })) {
        throw new UsageError('a note is 1 to 2000 characters of text without control characters');
      }
      await manager.addNote(String(argv.id), text, user);
      emit(argv, `Note added to sync ${argv.id}`, { id: argv.id, note: text });
    }),
};

/** The options a sync was created with, so that recreate changes only what is given. */
function argsOf(sync: SyncRecord): SyncCreateArgs {
  return {
    host: sync.source.host,
    port: String(sync.source.port),
    tls: sync.source.tls,
    'allow-invalid-cert': sync.source.allowInvalidCert,
    mode: sync.mode,
    'dry-run': sync.dryRun,
    // A Sync All confirmed once stays confirmed; turning dry run off needs a new confirmation.
    'confirm-sync-all': sync.mode === 'all' && !sync.dryRun,
    group: sync.group,
    accounts: sync.group === 'specific' ? sync.accounts.map((a) => a.email).join(',') : undefined,
    threads: String(sync.threads),
    connections: String(sync.connections ?? DEFAULT_CONNECTIONS),
    start: 'now',
    notify: sync.notify.join(';'),
    'delete-guard': String(sync.deleteGuardPercent),
    'allow-mass-delete': sync.allowMassDelete,
    'special-use-mapping': sync.mapSpecialUse,
    'loop-until': sync.loopUntil && Date.parse(sync.loopUntil) > Date.now() ? sync.loopUntil : undefined,
    'loop-interval':
      sync.loopUntil && Date.parse(sync.loopUntil) > Date.now()
        ? `${Math.round(sync.loopIntervalMs / 60000)}m`
        : undefined,
  };
}

const recreate: CommandModule<GlobalOptions, Args & SyncCreateArgs> = {
  command: 'recreate <id>',
  describe:
    'Create a new sync with the settings and accounts of another; any create option overrides (prints the new id)',
  builder: (yargs) => createOptions(yargs, false) as never,
  handler: (argv) =>
    withManager(argv, async (manager, user, store) => {
      const old = await syncRepository(store).get(String(argv.id));
      const given = Object.fromEntries(
        Object.entries(argv).filter(
          ([key, value]) => value !== undefined && !['_', '$0', 'id', 'data-dir', 'json'].includes(key),
        ),
      );
      const merged: SyncCreateArgs = { ...argsOf(old), ...given };
      if (given.group !== undefined && given.group !== 'specific' && given.accounts === undefined)
        merged.accounts = undefined;
      const settings = parseSyncSettings(merged, await store.accounts.list({ withPasswords: false }));
      // Remote logins chosen for the old sync stay, unless new ones were given.
      const remapped = !given.credentials && !given['append-domain'] && !given['remove-domain'];
      if (remapped) {
        const previous = new Map(old.accounts.map((account) => [account.email, account]));
        settings.accounts = settings.accounts.map((account) => previous.get(account.email) ?? account);
      }
      if (!given['source-admin-user'] && old.sourceAdmin) settings.sourceAdmin = old.sourceAdmin;
      const sync = await manager.create(settings, user, old.id);
      emit(argv, sync.id, { id: sync.id, recreatedFrom: old.id, status: sync.status });
    }),
};

const testAuth: CommandModule<GlobalOptions, Args> = {
  command: 'test-auth <id>',
  describe: "Try each selected account's source and destination logins",
  handler: (argv) =>
    withManager(argv, async (manager) => {
      const checks = await manager.testAuth(String(argv.id));
      const shown = (result: { ok: boolean; reason?: string }) => (result.ok ? 'OK' : `FAILED: ${result.reason}`);
      emit(
        argv,
        formatTable(
          ['Account', 'Source login', 'Destination login'],
          checks.map((c) => [c.account, shown(c.source as never), shown(c.destination as never)]),
        ),
        checks,
      );
      if (checks.some((check) => !check.source.ok || !check.destination.ok)) process.exitCode = ExitCode.failed;
    }),
};

export const controlCommands = [start, pause, stop, restart, threads, note, recreate, testAuth];
