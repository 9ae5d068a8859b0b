// The CONDSTORE marks (RFC 7162): what the last clean pass of a folder saw on both sides, and the
// plans that follow from one without listing the folder: unchanged (from the listing's counters
// alone, or one STATUS each) or changes only (CHANGEDSINCE). Anything the mark cannot explain
// falls back to the full scan of folderPlan.ts.
import type { FolderCounts, FolderStatus } from '../imap/session.ts';
import { EMPTY_PLAN, onDestinationStructure, settle, type FolderContext, type FolderWork } from './folderContext.ts';
import type { FolderPair } from './planFolders.ts';
import { groupByFlags } from './planMessages.ts';
import type { CopyStateStore, FolderCopyHeader, FolderCopyState, FolderSideMark, FolderSyncMark } from './ports.ts';
import type { SyncMode } from './types.ts';

const MODE_RANK: Record<SyncMode, number> = { new: 0, 'flags-new': 1, all: 2 };

/** A pass in `marked` mode left the folder as a pass in `mode` would (a mirror covers the rest). */
function markCovers(marked: SyncMode, mode: SyncMode): boolean {
  return MODE_RANK[marked] >= MODE_RANK[mode];
}

/** One side's mark, from its counters; none without CONDSTORE. */
export function sideMark(
  uidNext: number,
  messages: number,
  highestModseq: string | undefined,
): FolderSideMark | undefined {
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
  pair: Readonly<FolderPair>,
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

function unchangedWork(pair: Readonly<FolderPair>, sourceCounts: FolderCounts, destCounts: FolderCounts): FolderWork {
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
  pair: Readonly<FolderPair>,
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
 * What the mark decided: a plan, or none (full scan), with the folders the attempt left
 * selected, so that the full scan does not SELECT them again.
 */
export type MarkOutcome =
  { work: FolderWork } | { work?: undefined; selected?: { source: FolderStatus; destination: FolderStatus } };

/**
 * The CONDSTORE fast path (RFC 7162). Where the last clean pass left a mark and the destination
 * has not moved since (its HIGHESTMODSEQ, UIDNEXT and count are as the pass left them):
 * - the source has not moved either: nothing to do, and no FETCH at all;
 * - the source only changed flags or received messages (nothing expunged): CHANGEDSINCE lists
 *   exactly those, and only their flags and bodies move.
 * Anything else (no CONDSTORE on either side, a changed UIDVALIDITY, an expunge, a destination
 * touched by someone else, a message the record does not explain): no plan, a full scan.
 */
export async function planFromMark(
  context: FolderContext,
  pair: Readonly<FolderPair>,
  record: FolderCopyState | undefined,
): Promise<MarkOutcome> {
  const { source, destination, options } = context;
  if (!record?.mark || !pair.destExists || !source.condstore || !destination.condstore) return {};
  // The listing's counters where it brought them, else one STATUS each.
  const sourceCounts = pair.source.counts ?? (await source.folderCounts(pair.source.path));
  const destCounts = pair.destCounts ?? (await destination.folderCounts(pair.destPath));
  if (!markStillApplies(pair, record, options.mode, sourceCounts, destCounts)) return {};
  const mark = record.mark;
  if (sameSide(sourceCounts, mark.source)) return { work: unchangedWork(pair, sourceCounts, destCounts) };
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
  const fullScan: MarkOutcome = { selected: { source: sourceStatus, destination: destReady.value } };
  if (!changed) return fullScan;
  const arrived = changed.filter((message) => message.uid >= mark.source.uidNext);
  // Every message the mark counted is still there: nothing was expunged.
  if (sourceStatus.exists - arrived.length !== mark.source.messages) return fullScan;
  // The destination is exactly as the last clean pass left it (its counters match the mark), so
  // every recorded copy is there with the flags its source had then: a message whose flags
  // changed since gets the source's flags now, with no need to read the destination's first.
  const changes: [string[], number][] = [];
  if (options.mode !== 'new') {
    for (const message of changed) {
      if (message.uid >= mark.source.uidNext) continue;
      const destUid = record.copies.get(message.uid);
      if (!destUid) return fullScan;
      changes.push([message.flags, destUid]);
    }
  }
  return {
    work: {
      pair,
      sourceStatus,
      recordValid: true,
      plan: { ...EMPTY_PLAN, copy: arrived.sort((a, b) => a.uid - b.uid), flagUpdates: groupByFlags(changes) },
      sourceCount: sourceStatus.exists,
      destCount: destCounts.messages,
      incremental: true,
      sourceMark: sideMark(sourceStatus.uidNext, sourceStatus.exists, sourceStatus.highestModseq),
    },
  };
}
