// Wires the engine to the store: the only place that knows both concrete parts.
import type { AccessPort } from '../engine/syncService.ts';
import { SyncService } from '../engine/syncService.ts';
import { NedbCopyStateStore } from '../store/copyState.ts';
import type { Store } from '../store/store.ts';
import { syncRepository } from './syncRepository.ts';

export { NoDestinationError } from '../engine/syncService.ts';

export function accessFrom(store: Store): AccessPort {
  return {
    destination() {
      const settings = store.settings.getDestination();
      if (!settings) return undefined;
      const { adminUser, adminPassword, ...endpoint } = settings;
      return {
        endpoint: { host: endpoint.host, port: endpoint.port, tls: endpoint.tls, allowInvalidCert: endpoint.allowInvalidCert },
        admin: adminUser && adminPassword ? { user: adminUser, password: adminPassword } : undefined,
      };
    },
    async directory() {
      const accounts = await store.accounts.list({ withPasswords: true });
      return new Map(accounts.map((account) => [account.email, { email: account.email, password: account.password, admin: account.admin }]));
    },
  };
}

export function createSyncService(store: Store): SyncService {
  return new SyncService({
    syncs: syncRepository(store),
    state: new NedbCopyStateStore(store.db.collection('copy_state') as never),
    access: accessFrom(store),
  });
}
