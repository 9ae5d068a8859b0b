// `imap-migrate sync ...`: create, list, show, run in the foreground, and the controls.
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.ts';
import { MODE_LABELS } from '../../engine/types.ts';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';
import { emit, formatTable } from '../output.ts';
import { accountTable, connectionsOf, formatTime, historyTable, publicSync } from '../syncFormat.ts';
import { parseSyncSettings, type SyncCreateArgs } from '../syncOptions.ts';
import { syncRepository } from '../syncRepository.ts';
import { createOptions } from '../syncCreateOptions.ts';
import { promptForMissingPassword } from '../prompt.ts';
import { controlCommands } from './syncControl.ts';
import { runCommand } from './syncRun.ts';

type Args = GlobalOptions & { _: (string | number)[] };

const create: CommandModule<GlobalOptions, Args & SyncCreateArgs> = {
  command: 'create',
  describe: 'Create a sync (prints its id)',
  builder: (yargs) => createOptions(yargs, true) as never,
  handler: async (argv) =>
    withStore(argv, { write: true }, async (store) => {
      await promptForMissingPassword(argv as Record<string, unknown>, {
        userOption: 'source-admin-user',
        valueOption: 'source-admin-password',
        fileOption: 'source-admin-password-file',
        envName: 'IMAP_MIGRATE_SOURCE_ADMIN_PASSWORD',
        label: `Password of the source admin ${argv['source-admin-user']}`,
      });
      const directory = await store.accounts.list({ withPasswords: false });
      const settings = parseSyncSettings(argv, directory);
      const { createSyncManager, osUser } = await import('../engine.ts');
      const sync = await createSyncManager(store).create(settings, osUser());
      emit(argv, sync.id, {
        id: sync.id,
        status: sync.status,
        nextRunAt: sync.nextRunAt,
        accounts: sync.accounts.length,
      });
    }),
};

const list: CommandModule<GlobalOptions, Args> = {
  command: 'list',
  describe: 'List syncs, newest first (docs/spec.md L1)',
  handler: async (argv) =>
    withStore(argv, { write: false }, async (store) => {
      const repository = syncRepository(store);
      const rows = [];
      for (const sync of await repository.list()) {
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

const show: CommandModule<GlobalOptions, Args & { id: string; run?: string }> = {
  command: 'show <id>',
  describe: 'Settings, status, history and the per-account counters of a run (the last by default)',
  builder: (yargs) =>
    yargs.option('run', { type: 'string', describe: 'Id of another run of this sync (see the Runs list)' }) as never,
  handler: async (argv) =>
    withStore(argv, { write: false }, async (store) => {
      const repository = syncRepository(store);
      const sync = await repository.get(String(argv.id));
      const runs = await repository.runsOf(sync.id);
      const chosen = argv.run
        ? runs.find((run) => run.id === argv.run || run.id.startsWith(String(argv.run)))
        : runs[0];
      if (argv.run && !chosen)
        throw new UsageError(`sync ${sync.id} has no run ${argv.run}; see the Runs list of \`sync show ${sync.id}\``);
      const accounts = chosen ? await repository.accountRunsOf(chosen.id) : [];
      const history = await repository.historyOf(sync.id);
      const complete = accounts.filter((a) => ['complete', 'failed'].includes(a.status)).length;
      const lines = [
        `Sync ${sync.id}: ${sync.status}${sync.nextRunAt && sync.status === 'Scheduled' ? ` (next start ${formatTime(sync.nextRunAt)})` : ''}`,
        `IMAP server: ${sync.source.host}:${sync.source.port} TLS: ${sync.source.tls}${sync.source.allowInvalidCert ? ' (invalid certificate allowed)' : ''}`,
        `Mode: ${MODE_LABELS[sync.mode]}  Dry run: ${sync.dryRun ? 'Yes' : 'No'}  Threads: ${sync.threads}  Connections per user: ${connectionsOf(sync)}  Group: ${sync.group}  Accounts: ${sync.accounts.length}`,
        `Created: ${formatTime(sync.createdAt)}  Start: ${sync.start}  Loop: ${sync.loopUntil ? `every ${sync.loopIntervalMs / 60000} min until ${formatTime(sync.loopUntil)}` : 'No'}`,
        `Runs: ${runs.map((run) => `${run.id} ${formatTime(run.startedAt)} ${run.status}`).join('; ') || 'none yet'}`,
      ];
      if (chosen) {
        lines.push(
          '',
          `Run ${chosen.id} started ${formatTime(chosen.startedAt)}: Pending | Complete | Total Accounts: ${accounts.length - complete} | ${complete} | ${accounts.length}`,
        );
        lines.push(accountTable(accounts));
        for (const account of accounts)
          for (const error of account.errors) lines.push(`${account.account}: ${error.code} ${error.detail}`);
      }
      if (history.length > 0) lines.push('', 'History:', historyTable(history));
      emit(argv, lines, {
        sync: publicSync(sync),
        runs,
        history,
        lastRun: chosen ? { ...chosen, accounts } : undefined,
      });
    }),
};

export const syncCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'sync',
  describe: 'Create, list, show, run and control syncs',
  builder: (yargs) => {
    let y = yargs
      .command(create as never)
      .command(list as never)
      .command(show as never)
      .command(runCommand as never);
    for (const command of controlCommands) y = y.command(command as never);
    return y.demandCommand(1, 'name a sync command (see --help)') as never;
  },
  handler: () => undefined,
};
