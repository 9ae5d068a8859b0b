// Carries out one folder's plan on the destination, exactly as planned: the folder created or
// subscribed, the copy record reset or adopted, flags, copies (batchCopy.ts), deletions, then
// the mark of a clean pass (folderMarks.ts). The plan is read, never changed; what was done to
// the folder list goes to `progress`, for the plan a retry makes (folderContext.ts).
import { ImapError } from '../imap/connection.ts';
import { BatchFetcher, copyBatches, copyFetched } from './batchCopy.ts';
import { Checkpoint } from './checkpoint.ts';
import {
  checkAbort,
  onDestinationStructure,
  type FolderContext,
  type FolderProgress,
  type FolderWork,
} from './folderContext.ts';
import { sideMark } from './folderMarks.ts';
import { storableFlags, type FlagPolicy } from './planMessages.ts';

/** Carries out one folder's plan on the destination. */
export async function executeFolderWork(
  context: FolderContext,
  work: FolderWork,
  progress: FolderProgress = { created: false, subscribed: false },
): Promise<void> {
  const { destination, report, state, pairKey } = context;
  const { pair, plan } = work;
  const sourcePath = pair.source.path;
  const batches =
    pair.source.noSelect || work.unchanged
      ? []
      : copyBatches(plan.copy, context.options.batchMessages, context.options.batchBytes);
  // The source side starts at once, on its own connection, while the destination is made ready.
  const fetcher = new BatchFetcher(context, sourcePath, batches);
  let checkpoint: Checkpoint | undefined;
  // An old mark cannot match once this pass touches the folder, even if it stops half way:
  // HIGHESTMODSEQ only grows, on both sides, so it need not be dropped first.
  const errorsBefore = report.counters.errors;
  try {
    // A placeholder of the hierarchy (\\Noselect) is not made a folder of its own: creating its
    // children creates the hierarchy (RFC 3501, CREATE).
    if (!pair.destExists && !pair.source.noSelect && !progress.created) {
      try {
        await onDestinationStructure(context, () => destination.createFolder(pair.destPath, pair.source.subscribed));
      } catch (error) {
        if (!(error instanceof ImapError) || !/exist/i.test(error.message)) throw error;
      }
      progress.created = true;
      report.add('foldersCreated');
    }
    if (pair.subscribe && !progress.created && !progress.subscribed) {
      await onDestinationStructure(context, () => destination.subscribe(pair.destPath));
      progress.subscribed = true;
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

    checkpoint = new Checkpoint(state, pairKey, sourcePath);
    await copyFetched(context, fetcher, { source: sourcePath, destination: pair.destPath }, flagPolicy, checkpoint);
  } finally {
    await fetcher.drop();
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
