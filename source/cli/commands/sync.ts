// `imap-migrate sync ...`: create a sync, list and show syncs, run one in the foreground.
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../../errors.ts';
import type { AccountRunRecord, SyncRecord } from '../../engine/syncModel.ts';
import { MODE_LABELS, type Counters } from '../../engine/types.ts';
import type { GlobalOptions } from '../main.ts';
import { withStore } from '../context.ts';
import { syncRepository } from '../syncRepository.ts';
import { emit, formatTable } from '../output.ts';
import { parseSyncSettings, parseThreads, type SyncCreateArgs } from '../syncOptions.ts';

type Args = GlobalOptions & { _: (string | number)[] };

export function formatTime(iso: string | undefined): string {
  if (!iso) return '-';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A sync as shown to people and scripts: no password, only whether one is set. */
function publicSync(sync: SyncRecord) {
  return {
    ...sync,
    sourceAdmin: sync.sourceAdmin ? { user: sync.sourceAdmin.user, hasPassword: true } : undefined,
    accounts: sync.accounts.map(({ remotePassword, ...account }) => ({ ...account, hasRemotePassword: Boolean(remotePassword) })),
  };
}

export const ACCOUNT_TABLE_HEADER = ['User', 'Status', 'Msgs', 'Msgs DL', 'Deleted', 'Duplicates -', 'Folders +', 'Folders -', 'Flags', 'Errors', 'Complete Time'];

function accountRow(account: string, status: string, counters: Counters, completedAt?: string): (string | number)[] {
  return [
    account,
    status,
    counters.messages,
    counters.downloaded,
    counters.messagesDeleted,
    counters.duplicatesDeleted,
    counters.foldersCreated,
    counters.foldersDeleted,
    counters.flagsChanged,
    counters.errors,
    formatTime(completedAt),
  ];
}

function accountTable(records: Pick<AccountRunRecord, 'account' | 'status' | 'counters' | 'completedAt'>[]): string {
  return formatTable(ACCOUNT_TABLE_HEADER, records.map((r) => accountRow(r.account, r.status, r.counters, r.completedAt)));
}

const createOptions = (yargs: Argv) =>
  yargs
    .option('host', { type: 'string', describe: 'Source IMAP server (host name or IP)', demandOption: 'give the source server with --host' })
    .option('port', { type: 'string', describe: 'Source port (143; 993 with --tls tls)' })
    .option('tls', { type: 'string', describe: 'none | starttls | tls (implicit) (starttls)' })
    .option('allow-invalid-cert', { type: 'boolean', describe: 'Accept a source certificate that does not verify' })
    .option('mode', { type: 'string', describe: 'all (mirror) | flags-new | new', demandOption: 'choose a sync mode with --mode all|flags-new|new' })
    .option('dry-run', { type: 'boolean', default: true, describe: 'Only plan and log; --no-dry-run to change the destination' })
    .option('confirm-sync-all', { type: 'boolean', describe: 'Confirm a Sync All (mirror) without dry run' })
    .option('group', { type: 'string', default: 'all', describe: 'all | admin | specific' })
    .option('accounts', { type: 'string', describe: 'With --group specific: a@x,b@y' })
    .option('credentials', { type: 'string', describe: 'CSV file with header email,remote_user,remote_password' })
    .option('append-domain', { type: 'string', describe: 'Append @DOMAIN to remote usernames without one' })
    .option('remove-domain', { type: 'boolean', describe: 'Remove @domain from remote usernames' })
    .option('source-admin-user', { type: 'string', describe: 'Admin (master) login on the source, to log in as each user' })
    .option('source-admin-password-file', { type: 'string', describe: 'File holding the source admin password' })
    .option('source-admin-password', { type: 'string', describe: 'Source admin password (prefer the file or $IMAP_MIGRATE_SOURCE_ADMIN_PASSWORD)' })
    .option('threads', { type: 'string', describe: 'Accounts synced at once (1)' })
    .option('start', { type: 'string', describe: 'now | manual | ISO-8601 time (now)' })
    .option('loop-until', { type: 'string', describe: 'Repeat a pass every interval until this ISO-8601 time' })
    .option('loop-interval', { type: 'string', describe: 'Interval between passes, e.g. 30m, 1h (1h)' })
    .option('notify', { type: 'string', describe: 'Addresses to notify, separated by ;' })
    .option('delete-guard', { type: 'string', describe: 'Sync All: stop an account whose pass would delete more than this % (10)' })
    .option('allow-mass-delete', { type: 'boolean', describe: 'Sync All: lift the deletion guard' })
    .option('special-use-mapping', { type: 'boolean', default: true, describe: 'Map Sent/Drafts/Trash/Junk/Archive onto the destination\'s' });

const create: CommandModule<GlobalOptions, Args & SyncCreateArgs> = {
  command: 'create',
  describe: 'Create a sync (prints its id)',
  builder: (yargs) => createOptions(yargs) as never,
  handler: async (argv) =>
    withStore(argv, { write: true }, async (store) => {
      const directory = await store.accounts.list({ withPasswords: false });
      const settings = parseSyncSettings(argv, directory);
      const status = settings.start === 'manual' ? 'Manual' : 'Scheduled';
      const sync = await syncRepository(store).create(settings, status);
      emit(argv, sync.id, { id: sync.id, status: sync.status, accounts: sync.accounts.length });
    }),
};

const list: CommandModule<GlobalOptions, Args> = {
  command: 'list',
  describe: 'List syncs, newest first',
  handler: async (argv) =>
    withStore(argv, { write: false }, async (store) => {
      const repository = syncRepository(store);
      const syncs = await repository.list();
      const rows = [];
      for (const sync of syncs) {
        const [lastRun] = await repository.runsOf(sync.id);
        rows.push({ sync, lastRun });
      }
      emit(
        argv,
        rows.length === 0
          ? 'No syncs yet. Create one with `imap-migrate sync create`.'
          : formatTable(
              ['ID', 'Start Time', 'Complete Time', 'Sync Mode', 'Dry Run', 'IMAP Server', 'Status', 'Accounts'],
              rows.map(({ sync, lastRun }) => [
                sync.id,
                formatTime(lastRun?.startedAt),
                formatTime(lastRun?.completedAt),
                MODE_LABELS[sync.mode],
                sync.dryRun ? 'Yes' : 'No',
                sync.source.host,
                sync.status,
                sync.accounts.length,
              ]),
            ),
        rows.map(({ sync, lastRun }) => ({ ...publicSync(sync), lastRun })),
      );
    }),
};

const show: CommandModule<GlobalOptions, Args & { id: string }> = {
  command: 'show <id>',
  describe: 'Settings, status and the per-account counters of the last run',
  handler: async (argv) =>
    withStore(argv, { write: false }, async (store) => {
      const repository = syncRepository(store);
      const sync = await repository.get(String(argv.id));
      const runs = await repository.runsOf(sync.id);
      const accounts = runs[0] ? await repository.accountRunsOf(runs[0].id) : [];
      const lines = [
        `Sync ${sync.id}: ${sync.status}`,
        `IMAP server: ${sync.source.host}:${sync.source.port} TLS: ${sync.source.tls}${sync.source.allowInvalidCert ? ' (invalid certificate allowed)' : ''}`,
        `Mode: ${MODE_LABELS[sync.mode]}  Dry run: ${sync.dryRun ? 'Yes' : 'No'}  Threads: ${sync.threads}  Group: ${sync.group}  Accounts: ${sync.accounts.length}`,
        `Created: ${formatTime(sync.createdAt)}  Start: ${sync.start}  Loop until: ${sync.loopUntil ? formatTime(sync.loopUntil) : '-'}`,
        `Runs: ${runs.length}${runs[0] ? `, last started ${formatTime(runs[0].startedAt)}, complete ${formatTime(runs[0].completedAt)}` : ''}`,
      ];
      if (accounts.length > 0) lines.push('', accountTable(accounts));
      for (const account of accounts) {
        for (const error of account.errors) lines.push(`${account.account}: ${error.code} ${error.detail}`);
      }
      emit(argv, lines, { sync: publicSync(sync), runs, lastRun: runs[0] ? { ...runs[0], accounts } : undefined });
    }),
};

const run: CommandModule<GlobalOptions, Args & { id: string; threads?: string }> = {
  command: 'run <id>',
  describe: 'Run the sync now in the foreground; exit 0 only when every account completed without error',
  builder: (yargs) => yargs.option('threads', { type: 'string', describe: 'Override the sync\'s thread count for this run' }) as never,
  handler: async (argv) =>
    withStore(argv, { write: true }, async (store) => {
      const repository = syncRepository(store);
      const sync = await repository.get(String(argv.id));
      if (argv.threads !== undefined) await repository.update(sync.id, { threads: parseThreads(argv.threads) });
      const controller = new AbortController();
      // Ctrl+C pauses every account at a safe point; a second one stops waiting.
      const onSignal = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('imap-migrate: pausing at a safe point (Ctrl+C again to quit at once)\n');
        controller.abort('pause');
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      // The engine (and imapflow) load only for commands that talk IMAP: the others start faster.
      const { createSyncService, NoDestinationError } = await import('../engine.ts');
      try {
        const outcome = await createSyncService(store).runOnce(sync.id, {
          signal: controller.signal,
          onEvent: (event) => {
            if (!argv.json && event.type === 'error') process.stderr.write(`${event.account}: ${event.line.code} ${event.line.detail}\n`);
          },
        });
        emit(
          argv,
          [
            `Run ${outcome.run.id} of sync ${sync.id}: ${outcome.status}` +
              (sync.dryRun ? ' (dry run: the counters are what would be done; nothing was changed)' : ''),
            accountTable(outcome.results),
          ],
          { sync: sync.id, run: outcome.run, status: outcome.status, accounts: outcome.results },
        );
        const clean = outcome.results.every((result) => result.status === 'complete' && result.counters.errors === 0);
        if (!clean) process.exitCode = ExitCode.failed;
      } catch (error) {
        if (error instanceof NoDestinationError) throw new UsageError(error.message);
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }),
};

export const syncCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'sync',
  describe: 'Create, list, show and run syncs',
  builder: (yargs) =>
    yargs
      .command(create as never)
      .command(list as never)
      .command(show as never)
      .command(run as never)
      .demandCommand(1, 'name a sync command: create, list, show or run') as never,
  handler: () => undefined,
};
