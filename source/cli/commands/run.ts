// `imap-migrate run`: the headless scheduler (docs/spec.md S1). Holds the data dir, starts every
// sync that is due, keeps looping syncs going, and on SIGTERM/SIGINT pauses work at a safe
// point (the syncs continue at its next start) and exits cleanly.
import type { CommandModule } from 'yargs';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';
import type { ManagerEvent } from '../../engine/syncManager.ts';
import { SchedulerLoop } from '../../engine/schedulerLoop.ts';

type Args = GlobalOptions & { _: (string | number)[]; 'poll-seconds'?: number };

function logLine(argv: Args, text: string, json: Record<string, unknown>): void {
  const at = new Date().toISOString();
  process.stdout.write(argv.json ? JSON.stringify({ at, ...json }) + '\n' : `${at} ${text}\n`);
}

export const runDaemonCommand: CommandModule<GlobalOptions, Args> = {
  command: 'run',
  describe: 'Headless scheduler: start due and looping syncs; ends cleanly on SIGTERM/SIGINT',
  builder: (yargs) =>
    yargs.option('poll-seconds', {
      type: 'number',
      default: 5,
      describe: 'Longest wait between looks at the schedule',
    }) as never,
  handler: async (argv) =>
    withStore(argv, { write: true }, async (store) => {
      const { createSyncManager, createNotifier } = await import('../engine.ts');
      const manager = createSyncManager(store, createNotifier(store));
      let stop: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      let stopping = false;
      const onSignal = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logLine(argv, `${signal}: pausing running syncs at a safe point`, { event: 'stopping', signal });
        stop();
      };
      process.on('SIGINT', () => onSignal('SIGINT'));
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      manager.on('event', (event: ManagerEvent) => {
        if (event.type === 'status')
          logLine(argv, `sync ${event.syncId}: ${event.status}`, { sync: event.syncId, status: event.status });
        else if (event.event.type === 'status' && event.event.status !== 'running') {
          logLine(argv, `sync ${event.syncId}: ${event.event.account} ${event.event.status}`, {
            sync: event.syncId,
            account: event.event.account,
            status: event.event.status,
          });
        } else if (event.event.type === 'error') {
          logLine(
            argv,
            `sync ${event.syncId}: ${event.event.account} ${event.event.line.code} ${event.event.line.detail}`,
            {
              sync: event.syncId,
              account: event.event.account,
              error: event.event.line,
            },
          );
        }
      });
      for (const id of await manager.recoverInterrupted())
        logLine(argv, `sync ${id}: Interrupted (its process ended while it ran)`, { sync: id, status: 'Interrupted' });
      logLine(argv, `scheduler running (pid ${process.pid}) on ${store.dataDir}`, {
        event: 'started',
        pid: process.pid,
        dataDir: store.dataDir,
      });
      const pollMs = Math.max(200, (argv['poll-seconds'] ?? 5) * 1000);
      const scheduler = new SchedulerLoop(manager, pollMs, (error) =>
        logLine(
          argv,
          `the scheduler could not look at the syncs: ${error instanceof Error ? error.message : String(error)}`,
          { event: 'error', message: String(error) },
        ),
      );
      await stopped;
      await scheduler.stop();
      await manager.shutdown();
      logLine(argv, 'scheduler stopped', { event: 'stopped' });
    }),
};
