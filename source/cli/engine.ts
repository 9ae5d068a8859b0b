// Wires the engine to the store: the only place that knows both concrete parts.
import os from 'node:os';
import { createEngineResources } from '../engine/engineResources.ts';
import type { AccessPort } from '../engine/runExecution.ts';
import { SyncManager, type NotifyPort, type SyncNotification } from '../engine/syncManager.ts';
import {
  createSmtpNotifier,
  notifyRowOf,
  notifySyncOf,
  outcomeNote,
  type NotificationEvent,
} from '../notify/notifier.ts';
import { NedbCopyStateStore } from '../store/copyState.ts';
import type { Store } from '../store/store.ts';
import { noteBodiesHeld } from './runtimeTuning.ts';
import { syncRepository } from './syncRepository.ts';

export { NoDestinationError } from '../engine/runExecution.ts';
export { ControlError } from '../engine/syncManager.ts';

export function accessFrom(store: Store): AccessPort {
  return {
    destination() {
      const settings = store.settings.getDestination();
      if (!settings) return undefined;
      const { adminUser, adminPassword, ...endpoint } = settings;
      return {
        endpoint: {
          host: endpoint.host,
          port: endpoint.port,
          tls: endpoint.tls,
          allowInvalidCert: endpoint.allowInvalidCert,
        },
        admin: adminUser && adminPassword ? { user: adminUser, password: adminPassword } : undefined,
      };
    },
    async directory() {
      const accounts = await store.accounts.list({ withPasswords: true });
      return new Map(
        accounts.map((account) => [
          account.email,
          { email: account.email, password: account.password, admin: account.admin },
        ]),
      );
    },
  };
}

export function createSyncManager(store: Store, notifier?: NotifyPort): SyncManager {
  return new SyncManager({
    syncs: syncRepository(store),
    state: new NedbCopyStateStore(store.db.collection('copy_state') as never),
    access: accessFrom(store),
    notifier,
    // One manager per process: its runs share one byte budget and one set of lane permits.
    resources: createEngineResources(noteBodiesHeld),
  });
}

/** The notifications of docs/spec.md N1 through the SMTP settings (read at each send). */
export function createNotifier(store: Store): NotifyPort {
  const notifier = createSmtpNotifier(() => store.settings.getSmtp('decrypt'));
  return {
    async notify({ kind, sync, run, accounts, user }: SyncNotification) {
      const base = {
        sync: notifySyncOf(sync),
        run: { startedAt: run.startedAt, completedAt: run.completedAt, status: run.status },
      };
      const rows = accounts.map((account) =>
        notifyRowOf({ ...account, status: account.status === 'interrupted' ? 'failed' : account.status }),
      );
      const event: NotificationEvent =
        kind === 'run-start'
          ? { ...base, kind, accountCount: sync.accounts.length, threads: sync.threads }
          : kind === 'run-end'
            ? { ...base, kind, accounts: rows }
            : kind === 'account-failed'
              ? { ...base, kind, account: rows[0] }
              : { ...base, kind, stoppedAt: new Date().toISOString(), stoppedBy: user || undefined, accounts: rows };
      const outcome = await notifier.notify(event);
      return outcome && { ok: outcome.ok, detail: outcomeNote(outcome) };
    },
  };
}

/** The OS user recorded in the history for actions taken by a person (docs/spec.md D5). */
export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
