// `imap-migrate ui` (and no command at all): the dashboard. Holds the data dir like `run`,
// keeps the scheduler going while it is open (docs/spec.md S1), and on quit pauses running syncs at
// a safe point so that the next start continues them.
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.ts';
import { SchedulerLoop } from '../../engine/schedulerLoop.ts';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';

type Args = GlobalOptions & { _: (string | number)[] };

/** Frames per second: enough for live counters, little enough to not flicker over SSH. */
export const MAX_FPS = 12;

function hideCiVariables(): { restore: () => void } {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  return {
    restore() {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    },
  };
}

export async function openDashboard(argv: Args): Promise<void> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UsageError('the dashboard needs a terminal; without one use the commands (imap-migrate --help)');
  }
  await withStore(argv, { write: true }, async (store) => {
    // Ink renders nothing until exit when it believes it runs in CI (CI or
    // CONTINUOUS_INTEGRATION set, read once when it loads); here a person is at a terminal.
    const ciVariables = hideCiVariables();
    const [
      { createElement },
      { render },
      { App },
      { createDashboardBackend },
      { createSyncManager, createNotifier, osUser },
    ] = await Promise.all([
      import('react'),
      import('ink'),
      import('../../ui/App.tsx'),
      import('../dashboardBackend.ts'),
      import('../engine.ts'),
    ]).finally(ciVariables.restore);
    const manager = createSyncManager(store, createNotifier(store));
    await manager.recoverInterrupted();
    const backend = createDashboardBackend(store, manager, osUser());

    // The scheduler: due and looping syncs start while the dashboard is open. A sync that
    // cannot start is recorded in its history by the manager; nothing to print here.
    const scheduler = new SchedulerLoop(manager, 1000, () => undefined);

    const instance = render(createElement(App, { backend }), {
      maxFps: MAX_FPS,
      exitOnCtrlC: false,
      patchConsole: false,
    });
    // The SSH session dropped or someone asked the process to end: pause at a safe point, then leave.
    const onSignal = () => {
      void manager.shutdown().finally(() => instance.unmount());
    };
    const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
    for (const signal of signals) process.on(signal, onSignal);
    try {
      await instance.waitUntilExit();
    } finally {
      for (const signal of signals) process.off(signal, onSignal);
      await scheduler.stop();
      // Quit already paused everything; this covers an exit by any other path.
      await manager.shutdown();
    }
  });
}

export const uiCommand: CommandModule<GlobalOptions, Args> = {
  command: 'ui',
  describe: 'Open the dashboard (the default when no command is given)',
  handler: (argv) => openDashboard(argv),
};
