// `imap-migrate demo`: a migration to watch in a minute, on throwaway local servers.
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.ts';
import { defaultSyncSettings } from '../../engine/syncModel.ts';
import { withStore } from '../context.ts';
import type { GlobalOptions } from '../main.ts';
import { openDashboard } from './ui.ts';

type Args = GlobalOptions & { _: (string | number)[] };

export const demoCommand: CommandModule<GlobalOptions, Args> = {
  command: 'demo',
  describe: 'Two throwaway local IMAP servers with sample mailboxes, and the dashboard on them (removed on exit)',
  handler: async (argv) => {
    if (!process.stdout.isTTY || !process.stdin.isTTY)
      throw new UsageError('the demo opens the dashboard and needs a terminal');
    const { dovecotInstalled } = await import('../../demo/dovecot.ts');
    if (!dovecotInstalled())
      throw new UsageError('the demo runs two local Dovecot servers: install them with: apt-get install dovecot-imapd');
    const { startDemo, DEMO_USERS } = await import('../../demo/demo.ts');
    const demo = await startDemo((line) => process.stderr.write(`imap-migrate demo: ${line}\n`));
    try {
      // The demo never touches your own data dir: it has its own, removed on exit.
      const demoArgs = { ...argv, 'data-dir': demo.dataDir };
      await withStore(demoArgs, { write: true }, async (store) => {
        const { createSyncManager, osUser } = await import('../engine.ts');
        store.settings.setDestination(demo.destination.endpoint());
        for (const user of DEMO_USERS)
          await store.accounts.add({ email: user.name, password: user.password, admin: user.name.startsWith('ann') });
        const manager = createSyncManager(store);
        const settings = defaultSyncSettings(
          demo.source.endpoint(),
          DEMO_USERS.map((user) => ({ email: user.name, remoteUser: user.name })),
          { threads: 2, start: 'manual' },
        );
        await manager.create(settings, osUser());
        await manager.create({ ...settings, mode: 'flags-new', dryRun: false }, osUser());
      });
      process.stderr.write(
        `imap-migrate demo: ${demo.messages} messages in ${DEMO_USERS.length} accounts on 127.0.0.1:${demo.source.port}; ` +
          `two syncs are ready: open one (Enter) and start it (s)\n`,
      );
      await openDashboard(demoArgs);
    } finally {
      await demo.cleanup();
    }
  },
};
