// `imap-migrate sync run ID`: start or restart the sync in this process and stay in the
// foreground until the run ends; exit 0 only when every account completed with no error.
import type { CommandModule } from 'yargs';
import { ExitCode, UsageError } from '../../errors.ts';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';
import { emit } from '../output.ts';
import { accountTable } from '../syncFormat.ts';
import { parseThreads } from '../syncOptions.ts';
import { syncRepository } from '../syncRepository.ts';

type Args = GlobalOptions & { _: (string | number)[]; id: string; threads?: string };

export const runCommand: CommandModule<GlobalOptions, Args> = {
  command: 'run <id>',
  describe: 'Start or restart the sync in the foreground; exit 0 only when every account completed without error',
  builder: (yargs) =>
    yargs.option('threads', { type: 'string', describe: "Change the sync's thread count first" }) as never,
  handler: async (argv) =>
    withStore(argv, { write: true }, async (store) => {
      const { createSyncManager, createNotifier, osUser, NoDestinationError, ControlError } =
        await import('../engine.ts');
      const manager = createSyncManager(store, createNotifier(store));
      const user = osUser();
      await manager.recoverInterrupted();
      const sync = await syncRepository(store).get(String(argv.id));
      if (argv.threads !== undefined) await manager.setThreads(sync.id, parseThreads(argv.threads), user);
      // Ctrl+C pauses every account at a safe point; a second one quits at once.
      // when-exit (the temp-file clean-up of a dependency) raises the signal it saw once more at
      // once: a second signal counts as a person's second Ctrl+C only some time after the first.
      let pausingSince: number | undefined;
      const onSignal = () => {
        if (pausingSince !== undefined) {
          if (Date.now() - pausingSince > 500) process.exit(130);
          return;
        }
        pausingSince = Date.now();
        process.stderr.write('imap-migrate: pausing at a safe point (Ctrl+C again to quit at once)\n');
        void manager.pause(sync.id, user).catch(() => undefined);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      manager.on('event', (event) => {
        if (!argv.json && event.type === 'account' && event.event.type === 'error') {
          process.stderr.write(`${event.event.account}: ${event.event.line.code} ${event.event.line.detail}\n`);
        }
      });
      try {
        const run = await manager.startOrRestart(sync.id, user);
        const outcome = (await manager.waitFor(sync.id))!;
        emit(
          argv,
          [
            `Run ${run.id} of sync ${sync.id}: ${outcome.run.status}` +
              (sync.dryRun ? ' (dry run: the counters are what would be done; nothing was changed)' : ''),
            accountTable(outcome.accounts),
          ],
          { sync: sync.id, run: outcome.run, status: outcome.status, accounts: outcome.accounts },
        );
        const clean = outcome.accounts.every(
          (account) => account.status === 'complete' && account.counters.errors === 0,
        );
        if (!clean) process.exitCode = ExitCode.failed;
      } catch (error) {
        if (error instanceof NoDestinationError || error instanceof ControlError) throw new UsageError(error.message);
        throw error;
      } finally {
        // The run-end notification and its history entry go out before the store closes.
        await manager.idle();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }),
};
