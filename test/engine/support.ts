// Shared set-up of the engine's integration tests: a job between two real Dovecots and a
// copy-state store in a temp dir.
import path from 'node:path';
import Datastore from 'nedb-promises';
import { syncAccount, type AccountSyncDeps } from '../../source/engine/accountSync.ts';
import { createEngineResources } from '../../source/engine/engineResources.ts';
import {
  DEFAULT_ACCOUNT_OPTIONS,
  pairKeyOf,
  type AccountSyncJob,
  type AccountSyncOptions,
} from '../../source/engine/types.ts';
import { NedbCopyStateStore } from '../../source/store/copyState.ts';
import type { Dovecot } from '../helpers/dovecot.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

export function tempStateStore(): { state: NedbCopyStateStore; dir: string; fresh(): NedbCopyStateStore } {
  const dir = makeTempDir('imap-migrate-state-');
  const open = () =>
    new NedbCopyStateStore(Datastore.create({ filename: path.join(dir, 'copy_state.db'), autoload: true }) as never);
  return { state: open(), dir, fresh: open };
}

export function jobBetween(
  source: Dovecot,
  destination: Dovecot,
  user: { name: string; password: string },
  options: Partial<AccountSyncOptions> & Pick<AccountSyncOptions, 'mode'>,
  destinationUser = user,
): AccountSyncJob {
  const sourceAccess = { endpoint: source.endpoint(), credentials: { user: user.name, password: user.password } };
  return {
    account: destinationUser.name,
    source: sourceAccess,
    destination: {
      endpoint: destination.endpoint(),
      credentials: { user: destinationUser.name, password: destinationUser.password },
    },
    pairKey: pairKeyOf(sourceAccess, destinationUser.name),
    options: { ...DEFAULT_ACCOUNT_OPTIONS, dryRun: false, retryBaseMs: 50, ...options },
  };
}

/** Syncs one account; the byte budget and lane permits are the test's own unless given. */
export function run(
  job: AccountSyncJob,
  deps: Omit<AccountSyncDeps, 'budget' | 'lanePermits'> & Partial<AccountSyncDeps>,
) {
  return syncAccount(job, { ...createEngineResources(), ...deps });
}
