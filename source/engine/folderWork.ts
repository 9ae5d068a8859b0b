// Planning and carrying out the sync of one folder pair: listing both sides, matching with
// the copy record and by content identity, then flags, copies and deletions.
import { ImapError } from '../imap/connection.ts';
import type { FolderCounts, FolderStatus, ImapSession, MessageSummary } from '../imap/session.ts';
import type { ReportSink } from './accountReport.ts';
import { sharedByteBudget, type ByteBudget } from './byteBudget.ts';
import { releaseBodies } from './memoryRelief.ts';
import type { FolderPair } from './planFolders.ts';
import {
  flagChangeCount,
  groupByFlags,
  identitiesNeeded,
  identityKey,
  planFolderMessages,
  storableFlags,
  type FlagPolicy,
  type FolderMessagePlan,
} from './planMessages.ts';
import type { CopyStateStore, FolderCopyHeader, FolderCopyState, FolderSideMark, FolderSyncMark } from './ports.ts';
import type { AccountSyncOptions, Counters, ErrorCode, SyncMode } from './types.ts';

export interface FolderWork {
  pair: FolderPair;
  sourceStatus?: FolderStatus;
  /** Whether the copy record can be trusted (same UIDVALIDITY on both sides). */
  recordValid: boolean;
  plan: FolderMessagePlan;
  sourceCount: number;
  destCount: number;
  /** Neither side moved since the last clean pass (CONDSTORE): nothing to do, nothing fetched. */
  unchanged?: boolean;
  /** Planned from CHANGEDSINCE instead of full listings. */
  incremental?: boolean;
  /** The source as the plan saw it, to be remembered once the pass is clean. */
  sourceMark?: FolderSideMark;
}

export interface FolderContext {
  source: ImapSession;
  destination: ImapSession;
  state: CopyStateStore;
  pairKey: string;
  options: AccountSyncOptions;
  report: ReportSink;
  signal?: AbortSignal;
  /** Bytes of bodies held at once across accounts (the process-wide budget when absent). */
  budget?: ByteBudget;
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
function onDestinationStructure<T>(context: FolderContext, work: () => Promise<T>): Promise<T> {
  return context.oneAtATime ? context.oneAtATime(work) : work();
}

const EMPTY_PLAN: FolderMessagePlan = {
  copy: [],
  adopt: [],
  flagUpdates: [],
  deleteAbsent: [],
  deleteDuplicates: [],
  forget: [],
};

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

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason = signal.reason === 'stop' ? 'stop' : 'pause';
    throw new AccountStop(reason, reason === 'stop' ? 'stopped' : 'paused');
  }
}

async function identities(
  session: ImapSession,
  messages: Map<number, MessageSummary>,
  uids: number[],
): Promise<Map<number, string>> {
  const result = new Map<number, string>();
  for (const info of await session.identify(uids)) {
    const message = messages.get(info.uid);
    const key = message && identityKey(message, info);
    if (key) result.set(info.uid, key);
  }
  return result;
}

const MODE_RANK: Record<SyncMode, number> = { new: 0, 'flags-new': 1, all: 2 };

/** A pass in `marked` mode left the folder as a pass in `mode` would (a mirror covers the rest). */
function markCovers(marked: SyncMode, mode: SyncMode): boolean {
  return MODE_RANK[marked] >= MODE_RANK[mode];
}

function sideMark(uidNext: number, messages: number, highestModseq: string | undefined): FolderSideMark | undefined {
  return highestModseq ? { uidNext, messages, highestModseq } : undefined;
}

function sameSide(counts: FolderCounts, mark: FolderSideMark): boolean {
  return (
    counts.highestModseq === mark.highestModseq && counts.uidNext === mark.uidNext && counts.messages === mark.messages
  );
}

/**
 * The part of the fast path that needs no connection: the record's mark against the counters
 * of both sides: the mark covers this mode and folder, both UIDVALIDITYs are the recorded ones,
 * and the destination is exactly as the last clean pass left it.
 */
function markStillApplies<T extends FolderCopyHeader>(
  pair: FolderPair,
  record: T | undefined,
  mode: SyncMode,
  sourceCounts: FolderCounts,
  destCounts: FolderCounts,
): record is T & { mark: FolderSyncMark } {
  const mark = record?.mark;
  if (!record || !mark || !markCovers(mark.mode, mode) || record.destFolder !== pair.destPath) return false;
  if (sourceCounts.uidValidity !== record.sourceUidValidity || destCounts.uidValidity !== record.destUidValidity)
    return false;
  return Boolean(sourceCounts.highestModseq) && sameSide(destCounts, mark.destination);
}

function unchangedWork(pair: FolderPair, sourceCounts: FolderCounts, destCounts: FolderCounts): FolderWork {
  return {
    pair,
    recordValid: true,
    plan: EMPTY_PLAN,
    sourceCount: sourceCounts.messages,
    destCount: destCounts.messages,
    unchanged: true,
  };
}

/**
 * A folder that neither side has touched since the last clean pass, seen from the counters that
 * came with the listings alone: no connection needed. Undefined when that cannot be told so.
 */
export async function planUnchangedFromListing(
  state: CopyStateStore,
  pairKey: string,
  mode: SyncMode,
  pair: FolderPair,
): Promise<FolderWork | undefined> {
  const sourceCounts = pair.source.counts;
  const destCounts = pair.destCounts;
  if (pair.source.noSelect || !pair.destExists || !sourceCounts || !destCounts) return undefined;
  // The header says whether the folder is unchanged; its copies are not needed for that.
  const record = state.loadHeader
    ? await state.loadHeader(pairKey, pair.source.path)
    : await state.load(pairKey, pair.source.path);
  if (!markStillApplies(pair, record, mode, sourceCounts, destCounts) || !sameSide(sourceCounts, record.mark.source))
    return undefined;
  return unchangedWork(pair, sourceCounts, destCounts);
}

/**
 * The CONDSTORE fast path (RFC 7162). Where the last clean pass left a mark and the destination
 * has not moved since (its HIGHESTMODSEQ, UIDNEXT and count are as the pass left them):
 * - the source has not moved either: nothing to do, and no FETCH at all;
 * - the source only changed flags or received messages (nothing expunged): CHANGEDSINCE lists
 *   exactly those, and only their flags and bodies move.
 * Anything else (no CONDSTORE on either side, a changed UIDVALIDITY, an expunge, a destination
 * touched by someone else, a message the record does not explain) returns undefined: full scan.
 */
async function planFromMark(
  context: FolderContext,
  pair: FolderPair,
  record: FolderCopyState | undefined,
): Promise<FolderWork | undefined> {
  const { source, destination, options } = context;
  if (!record?.mark || !pair.destExists || !source.condstore || !destination.condstore) return undefined;
  // The listing's counters where it brought them, else one STATUS each.
  const sourceCounts = pair.source.counts ?? (await source.folderCounts(pair.source.path));
  const destCounts = pair.destCounts ?? (await destination.folderCounts(pair.destPath));
  if (!markStillApplies(pair, record, options.mode, sourceCounts, destCounts)) return undefined;
  const mark = record.mark;
  if (sameSide(sourceCounts, mark.source)) return unchangedWork(pair, sourceCounts, destCounts);
  // The source moved, so the destination will be written: it is selected meanwhile, on its own
  // connection, and the pass finds it ready (ensureSelected).
  const [sourceSide, destReady] = await Promise.all([
    settle(
      (async () => {
        const status = await source.select(pair.source.path, true);
        const usable = Boolean(status.highestModseq) && status.uidNext >= mark.source.uidNext;
        return { status, changed: usable ? await source.listChangedSince(mark.source.highestModseq) : undefined };
      })(),
    ),
    settle(onDestinationStructure(context, () => destination.ensureSelected(pair.destPath, options.dryRun))),
  ]);
  if (!sourceSide.ok) throw sourceSide.error;
  if (!destReady.ok) throw destReady.error;
  const { status: sourceStatus, changed } = sourceSide.value;
  if (!changed) return undefined;
  const arrived = changed.filter((message) => message.uid >= mark.source.uidNext);
  // Every message the mark counted is still there: nothing was expunged.
  if (sourceStatus.exists - arrived.length !== mark.source.messages) return undefined;
  // The destination is exactly as the last clean pass left it (its counters match the mark), so
  // every recorded copy is there with the flags its source had then: a message whose flags
  // changed since gets the source's flags now, with no need to read the destination's first.
  const changes: [string[], number][] = [];
  if (options.mode !== 'new') {
    for (const message of changed) {
      if (message.uid >= mark.source.uidNext) continue;
      const destUid = record.copies.get(message.uid);
      if (!destUid) return undefined;
      changes.push([message.flags, destUid]);
    }
  }
  const flagUpdates = groupByFlags(changes);
  return {
    pair,
    sourceStatus,
    recordValid: true,
    plan: { ...EMPTY_PLAN, copy: arrived.sort((a, b) => a.uid - b.uid), flagUpdates },
    sourceCount: sourceStatus.exists,
    destCount: destCounts.messages,
    incremental: true,
    sourceMark: sideMark(sourceStatus.uidNext, sourceStatus.exists, sourceStatus.highestModseq),
  };
}

/** Lists both sides of one folder pair and decides every action. Touches nothing. */
/** A hierarchy placeholder of the source: nothing to list, nothing to copy. */
export function placeholderWork(pair: FolderPair): FolderWork {
  return { pair, recordValid: false, plan: EMPTY_PLAN, sourceCount: 0, destCount: 0 };
}

export async function planFolderWork(context: FolderContext, pair: FolderPair): Promise<FolderWork> {
  const { source, destination, options } = context;
  if (pair.source.noSelect) return placeholderWork(pair);
  const record = await context.state.load(context.pairKey, pair.source.path);
  const quick = await planFromMark(context, pair, record);
  if (quick) return quick;
  // Both sides are listed at once, each on its own connection.
  const [sourceSide, destSide] = await Promise.all([
    (async () => {
      const status = await source.select(pair.source.path, true);
      return { status, messages: await source.listMessages(status.exists) };
    })(),
    pair.destExists
      ? (async () => {
          const status = await onDestinationStructure(context, () => destination.select(pair.destPath, options.dryRun));
          return { status, messages: await destination.listMessages(status.exists) };
        })()
      : undefined,
  ]);
  const sourceStatus = sourceSide.status;
  const sourceMessages = sourceSide.messages;
  const destStatus: FolderStatus | undefined = destSide?.status;
  const destMessages: MessageSummary[] = destSide?.messages ?? [];
  const recordValid = Boolean(
    record &&
    destStatus &&
    record.sourceUidValidity === sourceStatus.uidValidity &&
    record.destUidValidity === destStatus.uidValidity &&
    record.destFolder === pair.destPath,
  );
  if (record && !recordValid && record.copies.size > 0) {
    context.report.note(
      `${pair.source.path}: copy record no longer valid (UIDVALIDITY or folder changed); matching messages by content`,
    );
  }
  const flagPolicy: FlagPolicy = destStatus
    ? { anyKeyword: destStatus.anyKeyword, permanentFlags: destStatus.permanentFlags }
    : { anyKeyword: true, permanentFlags: null };
  const base = {
    mode: options.mode,
    source: sourceMessages,
    destination: destMessages,
    recorded: recordValid && record ? record.copies : new Map<number, number>(),
    flagPolicy,
  };
  const needed = identitiesNeeded(base);
  const [sourceIdentity, destinationIdentity] = await Promise.all([
    identities(source, new Map(sourceMessages.map((m) => [m.uid, m])), needed.source),
    identities(destination, new Map(destMessages.map((m) => [m.uid, m])), needed.destination),
  ]);
  const plan = planFolderMessages({ ...base, sourceIdentity, destinationIdentity });
  return {
    pair,
    sourceStatus,
    recordValid,
    plan,
    sourceCount: sourceMessages.length,
    destCount: destMessages.length,
    sourceMark: sideMark(sourceStatus.uidNext, sourceStatus.exists, sourceStatus.highestModseq),
  };
}

function folderLine(pair: FolderPair, parts: string[]): string {
  const target = pair.destPath === pair.source.path ? '' : ` -> ${pair.destPath}`;
  return `folder ${pair.source.path}${target}: ${parts.join(', ')}`;
}

/** The download-log line of a planned folder (dry run). */
export function describeFolderPlan(work: FolderWork): string {
  const { plan, pair } = work;
  const parts: string[] = [];
  if (!pair.destExists) parts.push('would create');
  parts.push(
    `would copy ${plan.copy.length}`,
    `would set flags ${flagChangeCount(plan)}`,
    `would delete ${plan.deleteAbsent.length}`,
  );
  if (plan.deleteDuplicates.length > 0) parts.push(`would delete duplicates ${plan.deleteDuplicates.length}`);
  if (plan.adopt.length > 0) parts.push(`${plan.adopt.length} already there`);
  return folderLine(pair, parts);
}

/** The download-log line of a folder once done: what it did, from its own tally. */
export function describeFolderResult(pair: FolderPair, done: Counters, adopted: number): string {
  const parts: string[] = [];
  if (done.foldersCreated > 0) parts.push('created');
  parts.push(`copied ${done.downloaded}`, `flags ${done.flagsChanged}`);
  parts.push(`deleted ${done.messagesDeleted}`);
  if (done.duplicatesDeleted > 0) parts.push(`duplicates deleted ${done.duplicatesDeleted}`);
  if (adopted > 0) parts.push(`${adopted} already there`);
  if (done.errors > 0) parts.push(`errors ${done.errors}`);
  return folderLine(pair, parts);
}

/** Buffers copy records and writes them every few hundred messages or seconds (a checkpoint). */
class Checkpoint {
  private pending: [number, number][] = [];
  private lastFlush = Date.now();

  constructor(
    private readonly context: FolderContext,
    private readonly folder: string,
  ) {}

  async add(sourceUid: number, destUid: number): Promise<void> {
    this.pending.push([sourceUid, destUid]);
    if (this.pending.length >= 250 || Date.now() - this.lastFlush > 2000) await this.flush();
  }

  async flush(): Promise<void> {
    this.lastFlush = Date.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.context.state.record(this.context.pairKey, this.folder, batch);
  }
}

/** Splits the copy list into FETCH batches bounded by count and bytes. */
export function copyBatches(messages: MessageSummary[], maxMessages: number, maxBytes: number): MessageSummary[][] {
  const batches: MessageSummary[][] = [];
  let current: MessageSummary[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (current.length > 0 && (current.length >= maxMessages || bytes + message.size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * Appends one batch: all of it in one MULTIAPPEND where the destination offers it (one round
 * trip, one transaction), each copy recorded as its UID comes back. A batch the server refuses
 * as a whole stored nothing (MULTIAPPEND is atomic): it is sent again one message at a time, so
 * what fits is copied and the message at fault is named (APPEND_FAILED) or the account stops
 * (OVERQUOTA). A lost connection is left to the caller: the next plan recognises by content
 * whatever the server stored without our record.
 */
async function appendBatch(
  context: FolderContext,
  destPath: string,
  sourcePath: string,
  items: { message: MessageSummary; body: Buffer }[],
  flagPolicy: FlagPolicy,
  checkpoint: Checkpoint,
): Promise<void> {
  const { destination, report } = context;
  if (items.length === 0) return;
  const done = async (message: MessageSummary, body: Buffer, uid: number | undefined) => {
    await checkpoint.add(message.uid, uid ?? 0);
    report.addBytes(body.length);
  };
  if (items.length > 1 && destination.canMultiAppend) {
    try {
      const results = await destination.appendMany(
        destPath,
        items.map(({ message, body }) => ({
          source: body,
          flags: storableFlags(message.flags, flagPolicy),
          internalDate: message.internalDate,
        })),
      );
      for (let i = 0; i < items.length; i++) await done(items[i].message, items[i].body, results[i]?.uid);
      report.add('downloaded', items.length);
      return;
    } catch (error) {
      if (!(error instanceof ImapError) || error.transient) throw error;
      report.note(
        `${destPath}: a batch of ${items.length} was refused (${error.message}); sending it one message at a time`,
      );
    }
  }
  for (const { message, body } of items) {
    checkAbort(context.signal);
    try {
      const result = await destination.append(
        destPath,
        body,
        storableFlags(message.flags, flagPolicy),
        message.internalDate,
      );
      await done(message, body, result.uid);
      report.add('downloaded');
    } catch (error) {
      if (!(error instanceof ImapError) || error.transient) throw error;
      if (error.code === 'OVERQUOTA') {
        throw new AccountStop('failed', `${destPath}: ${error.message}`, 'OVERQUOTA');
      }
      report.error(
        'APPEND_FAILED',
        `${sourcePath} UID ${message.uid} (${message.size} bytes): ${error.message}; skipped`,
      );
    }
  }
}

/** Carries out one folder's plan on the destination. */
export async function executeFolderWork(context: FolderContext, work: FolderWork): Promise<void> {
  const { destination, source, report, state, pairKey } = context;
  const { pair, plan } = work;
  const sourcePath = pair.source.path;
  const budget = context.budget ?? sharedByteBudget;
  const batches =
    pair.source.noSelect || work.unchanged
      ? []
      : copyBatches(plan.copy, context.options.batchMessages, context.options.batchBytes);
  type Fetched = { bodies: Map<number, Buffer>; release: () => void };
  /** Takes the batch's share of the byte budget, then fetches its bodies in one FETCH. */
  const fetchBatch = async (batch: MessageSummary[]): Promise<Fetched> => {
    const release = await budget.acquire(batch.reduce((sum, message) => sum + message.size, 0));
    try {
      const fetched = await source.fetchSources(batch.map((m) => m.uid));
      return { bodies: new Map(fetched.map((message) => [message.uid, message.source])), release };
    } catch (error) {
      release();
      throw error;
    }
  };
  // The source side starts at once, on its own connection, while the destination is made ready.
  let next: Promise<Settled<Fetched>> | undefined =
    batches.length > 0 ? settle(source.ensureSelected(sourcePath, true).then(() => fetchBatch(batches[0]))) : undefined;
  /** Waits for the batch being fetched ahead and gives its memory back (on the way out). */
  const dropPrefetch = async () => {
    const pending = next;
    next = undefined;
    const settled = pending ? await pending : undefined;
    if (settled?.ok) settled.value.release();
  };
  let checkpoint: Checkpoint | undefined;
  // An old mark cannot match once this pass touches the folder, even if it stops half way:
  // HIGHESTMODSEQ only grows, on both sides, so it need not be dropped first.
  const errorsBefore = report.counters.errors;
  try {
    // A placeholder of the hierarchy (\\Noselect) is not made a folder of its own: creating its
    // children creates the hierarchy (RFC 3501, CREATE).
    if (!pair.destExists && !pair.source.noSelect) {
      try {
        await onDestinationStructure(context, () => destination.createFolder(pair.destPath, pair.source.subscribed));
      } catch (error) {
        if (!(error instanceof ImapError) || !/exist/i.test(error.message)) throw error;
      }
      pair.destExists = true;
      pair.subscribe = false;
      report.add('foldersCreated');
    }
    if (pair.subscribe) {
      await onDestinationStructure(context, () => destination.subscribe(pair.destPath));
      pair.subscribe = false;
    }
    if (pair.source.noSelect || work.unchanged) return;

    // Planning may have left it selected already (read-write): then no second SELECT.
    const destStatus = await onDestinationStructure(context, () => destination.ensureSelected(pair.destPath, false));
    if (!work.recordValid) {
      await state.reset(pairKey, sourcePath, {
        sourceUidValidity: work.sourceStatus!.uidValidity,
        destFolder: pair.destPath,
        destUidValidity: destStatus.uidValidity,
      });
      work.recordValid = true;
    }
    await state.record(pairKey, sourcePath, plan.adopt);
    await state.forget(pairKey, sourcePath, plan.forget);

    const flagPolicy: FlagPolicy = { anyKeyword: destStatus.anyKeyword, permanentFlags: destStatus.permanentFlags };
    for (const update of plan.flagUpdates) {
      checkAbort(context.signal);
      // Only what this folder can store (a plan from CHANGEDSINCE carries the source's flags as is).
      await destination.setFlags(update.destUids, storableFlags(update.flags, flagPolicy));
      report.add('flagsChanged', update.destUids.length);
    }

    const folderCheckpoint = new Checkpoint(context, sourcePath);
    checkpoint = folderCheckpoint;
    for (let index = 0; index < batches.length; index++) {
      const fetched = await next!;
      // Fetch the next batch on the source while this one is appended on the destination.
      next = index + 1 < batches.length ? settle(fetchBatch(batches[index + 1])) : undefined;
      if (!fetched.ok) throw fetched.error;
      try {
        checkAbort(context.signal);
        const items: { message: MessageSummary; body: Buffer }[] = [];
        for (const message of batches[index]) {
          const body = fetched.value.bodies.get(message.uid);
          if (!body) {
            report.error(
              'FETCH_FAILED',
              `${sourcePath} UID ${message.uid}: the source returned no body (deleted meanwhile?); skipped`,
            );
            continue;
          }
          items.push({ message, body });
        }
        fetched.value.bodies.clear();
        await appendBatch(context, pair.destPath, sourcePath, items, flagPolicy, folderCheckpoint);
        // Appended and answered: the bodies' memory goes back now, not at the next full collection.
        releaseBodies(items);
      } finally {
        fetched.value.release();
      }
    }
  } finally {
    await dropPrefetch();
    // On a retry the folder is planned anew: what was copied must be in the record by then.
    await checkpoint?.flush();
  }

  if (plan.deleteAbsent.length > 0 || plan.deleteDuplicates.length > 0) {
    checkAbort(context.signal);
    await onDestinationStructure(context, () => destination.ensureSelected(pair.destPath, false));
    await destination.deleteMessages([...plan.deleteAbsent, ...plan.deleteDuplicates]);
    report.add('messagesDeleted', plan.deleteAbsent.length);
    report.add('duplicatesDeleted', plan.deleteDuplicates.length);
  }

  // A clean pass: remember where both sides stand, so that the next one can skip or go by CHANGEDSINCE.
  if (work.sourceMark && state.markSynced && destination.condstore && report.counters.errors === errorsBefore) {
    const sourceMark = work.sourceMark;
    const markSynced = state.markSynced.bind(state);
    // The STATUS is queued on the destination connection now, ahead of anything the next folder
    // sends there, so it sees the folder as this pass left it; the lane need not wait for it.
    const marking = destination.folderCounts(pair.destPath).then(async (counts) => {
      const destinationMark = sideMark(counts.uidNext, counts.messages, counts.highestModseq);
      if (destinationMark)
        await markSynced(pairKey, sourcePath, {
          mode: context.options.mode,
          source: sourceMark,
          destination: destinationMark,
        });
    });
    if (context.inBackground) context.inBackground(marking);
    else await marking;
  }
}
