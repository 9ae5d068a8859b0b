// The sync repository of an open store (kept apart from engine.ts so that reading commands
// do not load the engine and imapflow).
import type { Store } from '../store/store.ts';
import { SyncRepository } from '../store/syncs.ts';

export function syncRepository(store: Store): SyncRepository {
  return new SyncRepository(store.db, store.secrets);
}
