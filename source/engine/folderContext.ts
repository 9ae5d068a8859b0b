// The data of one folder's pass: the plan (FolderWork, readonly: the planner decides it, the
// executor runs exactly it), what the executor has done so far (FolderProgress, for a retry's new
// plan), the connections and ports both use (FolderContext), and how a pass ends early.
import type { FolderStatus, ImapSession } from '../imap/session.ts';
import type { ReportSink } from './accountReport.ts';
import type { ByteBudget } from './byteBudget.ts';
import type { FolderPair } from './planFolders.ts';
import type { FolderMessagePlan } from './planMessages.ts';
import type { CopyStateStore, FolderSideMark } from './ports.ts';
import type { AccountSyncOptions, ErrorCode } from './types.ts';

/** One folder pair's plan: decided by the planner (folderPlan.ts, folderMarks.ts), run as is by folderApply.ts. */
export interface FolderWork {
  readonly pair: Readonly<FolderPair>;
  readonly sourceStatus?: FolderStatus;
  /** Whether the copy record can be trusted (same UIDVALIDITY on both sides). */
  readonly recordValid: boolean;
  readonly plan: Readonly<FolderMessagePlan>;
  readonly sourceCount: number;
  readonly destCount: number;
  /** Neither side moved since the last clean pass (CONDSTORE): nothing to do, nothing fetched. */
  readonly unchanged?: boolean;
  /** Planned from CHANGEDSINCE instead of full listings. */
  readonly incremental?: boolean;
  /** The source as the plan saw it, to be remembered once the pass is clean. */
  readonly sourceMark?: FolderSideMark;
}

/** What the executor did to the destination's folder list, so that a plan made after a retry does not do it again. */
export interface FolderProgress {
  created: boolean;
  subscribed: boolean;
}

/** The pair to plan anew after a retry: from fresh counters, and with what the executor already did. */
export function pairAfterProgress(pair: Readonly<FolderPair>, progress: FolderProgress): FolderPair {
  const { counts: _listed, ...source } = pair.source;
  return {
    ...pair,
    source,
    destCounts: undefined,
    destExists: pair.destExists || progress.created,
    subscribe: pair.subscribe && !progress.created && !progress.subscribed,
  };
}

export interface FolderContext {
  source: ImapSession;
  destination: ImapSession;
  state: CopyStateStore;
  pairKey: string;
  options: AccountSyncOptions;
  report: ReportSink;
  signal?: AbortSignal;
  /** Bytes of bodies held at once across accounts (docs/spec.md E8). */
  budget: ByteBudget;
  /**
   * Takes work the folder need not wait for (recording the mark of a clean pass), to be awaited
   * before the account ends; its failure only costs the mark (the next pass then lists the
   * folder in full). Without it the folder waits.
   */
  inBackground?: (work: Promise<void>) => void;
  /**
   * Runs a destination CREATE, SELECT or SUBSCRIBE once no other lane of the account runs one. Dovecot
   * creates a folder (on CREATE, or a special folder on its first SELECT) under a lock on the
   * user's folder list; two of its processes doing so at once can deadlock on their locks, and
   * it then kills one (a panic, EDEADLK) with the folder list left wrong. Without it, at once.
   */
  oneAtATime?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** A destination command that may create a folder there, kept from running beside another (see oneAtATime). */
export function onDestinationStructure<T>(context: FolderContext, work: () => Promise<T>): Promise<T> {
  return context.oneAtATime ? context.oneAtATime(work) : work();
}

export const EMPTY_PLAN: Readonly<FolderMessagePlan> = Object.freeze({
  copy: [],
  adopt: [],
  flagUpdates: [],
  deleteAbsent: [],
  deleteDuplicates: [],
  forget: [],
});

/** A hierarchy placeholder of the source: nothing to list, nothing to copy. */
export function placeholderWork(pair: FolderPair): FolderWork {
  return { pair, recordValid: false, plan: EMPTY_PLAN, sourceCount: 0, destCount: 0 };
}

/** Raised to end the account's pass early: paused, stopped, or a failure that ends the account. */
export class AccountStop extends Error {
  constructor(
    readonly reason: 'pause' | 'stop' | 'failed',
    message: string,
    readonly code?: ErrorCode,
  ) {
    super(message);
  }
}

export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason = signal.reason === 'stop' ? 'stop' : 'pause';
    throw new AccountStop(reason, reason === 'stop' ? 'stopped' : 'paused');
  }
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects: both sides of a pair are awaited before either's failure is raised. */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
