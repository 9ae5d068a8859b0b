// The dashboard's backend: the store and the sync manager of this process behind the
// DashboardBackend interface the UI is written against.
import { testLogin } from '../imap/connection.ts';
import { controlsFor } from '../engine/controls.ts';
import type { SyncManager } from '../engine/syncManager.ts';
import { exportsDirOf, readUserTextFile, writeUserTextFile } from '../store/dataDir.ts';
import { runCsv } from '../store/runCsv.ts';
import type { Store } from '../store/store.ts';
import type { DashboardBackend, SyncRow } from '../ui/backend.ts';
import { accessFrom } from './engine.ts';
import { syncRepository } from './syncRepository.ts';

export function createDashboardBackend(store: Store, manager: SyncManager, user: string): DashboardBackend {
  const syncs = syncRepository(store);
  return {
    user,
    dataDir: store.dataDir,

    async listSyncs() {
      const rows: SyncRow[] = [];
      for (const sync of await syncs.list()) {
        const [lastRun] = await syncs.runsOf(sync.id);
        rows.push({ sync, lastRun, controls: controlsFor(sync.status, lastRun !== undefined) });
      }
      return rows;
    },
    async getSync(id) {
      const sync = await syncs.get(id);
      const runs = await syncs.runsOf(sync.id);
      return {
        sync,
        runs,
        history: await syncs.historyOf(sync.id),
        controls: controlsFor(sync.status, runs.length > 0),
      };
    },
    accountRuns: (runId) => syncs.accountRunsOf(runId),
    liveRuns: () => manager.liveRuns(),
    subscribe(listener) {
      manager.on('event', listener);
      return () => manager.off('event', listener);
    },

    createSync: (settings) => manager.create(settings, user),
    recreateSync: (fromId, settings) => manager.create(settings, user, fromId),
    async start(id) {
      await manager.start(id, user);
    },
    async pause(id) {
      await manager.pause(id, user);
    },
    async resume(id) {
      await manager.resume(id, user);
    },
    async stop(id) {
      await manager.stop(id, user);
    },
    async restart(id) {
      await manager.restart(id, user);
    },
    setThreads: (id, threads) => manager.setThreads(id, threads, user),
    addNote: (id, text) => manager.addNote(id, text, user),
    testAuth: (settings) => manager.testAuthOf(settings),
    async exportRunCsv(runId, file) {
      writeUserTextFile(file, runCsv(await syncs.accountRunsOf(runId)), { dataDir: store.dataDir });
      return file;
    },
    exportsDir: exportsDirOf(store.dataDir),

    async listAccounts() {
      return (await store.accounts.list()).map(({ email, admin, displayName, hasPassword }) => ({
        email,
        admin,
        displayName,
        hasPassword,
      }));
    },
    async addAccount(input) {
      await store.accounts.add(input);
    },
    async updateAccount(email, patch) {
      await store.accounts.update(email, patch);
    },
    removeAccount: (email) => store.accounts.remove(email),
    async importAccountsCsv(file) {
      const result = await store.accounts.importCsv(readUserTextFile(file, 'CSV file'), { source: file });
      return { added: result.added, updated: result.updated };
    },

    getDestination() {
      const settings = store.settings.getDestination('mask');
      if (!settings) return undefined;
      const { adminPassword, ...rest } = settings;
      return { ...rest, hasAdminPassword: Boolean(adminPassword) };
    },
    async setDestination(settings) {
      // A blank password field keeps the stored one while the login stays the same.
      const stored = store.settings.getDestination();
      const keep =
        settings.adminPassword === undefined && settings.adminUser && stored?.adminUser === settings.adminUser;
      store.settings.setDestination(keep ? { ...settings, adminPassword: stored.adminPassword } : settings);
    },
    async testDestination(account) {
      const access = accessFrom(store).destination();
      if (!access) return { ok: false, code: 'CONNECT_FAILED', reason: 'no destination server set' };
      if (access.admin) {
        return testLogin(access.endpoint, {
          user: access.admin.user,
          password: access.admin.password,
          ...(account ? { authzid: account } : {}),
        });
      }
      if (!account)
        return { ok: false, code: 'AUTH_FAILED', reason: 'no admin login set: choose an account to test with' };
      const entry = await store.accounts.get(account);
      if (!entry?.password)
        return { ok: false, code: 'AUTH_FAILED', reason: `${account} has no destination password in the directory` };
      return testLogin(access.endpoint, { user: account, password: entry.password });
    },
    getSmtp() {
      const settings = store.settings.getSmtp('mask');
      if (!settings) return undefined;
      const { password, ...rest } = settings;
      return { ...rest, hasPassword: Boolean(password) };
    },
    async setSmtp(settings) {
      const stored = store.settings.getSmtp();
      const keep = settings.password === undefined && settings.user && stored?.user === settings.user;
      store.settings.setSmtp(keep ? { ...settings, password: stored.password } : settings);
    },

    shutdown: () => manager.shutdown(),
  };
}
