// The deletion guard of Sync All (docs/spec.md W3): a pass that would delete more than the set
// share of the destination's messages changes nothing and fails instead. Pure: decided from the
// plans of every folder and the sizes of the folders to delete.
import type { FolderWork } from './folderContext.ts';

export interface DeleteGuardVerdict {
  /** Messages the pass would delete: absent, duplicates, and those of deleted folders. */
  toDelete: number;
  /** Messages the destination holds in the folders concerned. */
  destTotal: number;
  /** More than the allowed share: nothing may be changed. */
  refused: boolean;
}

export function checkDeleteGuard(
  planned: readonly Pick<FolderWork, 'destCount' | 'plan'>[],
  deletedFolderCounts: Iterable<number>,
  percent: number,
): DeleteGuardVerdict {
  const inDeletedFolders = [...deletedFolderCounts].reduce((sum, count) => sum + count, 0);
  const destTotal = planned.reduce((sum, work) => sum + work.destCount, 0) + inDeletedFolders;
  const toDelete =
    planned.reduce((sum, work) => sum + work.plan.deleteAbsent.length + work.plan.deleteDuplicates.length, 0) +
    inDeletedFolders;
  return { toDelete, destTotal, refused: toDelete > 0 && toDelete > (percent / 100) * destTotal };
}

/** The error line of a refused pass. */
export function describeRefusal(verdict: DeleteGuardVerdict, percent: number): string {
  return (
    `this pass would delete ${verdict.toDelete} of the ${verdict.destTotal} destination messages (more than ${percent} %); ` +
    'nothing was changed. Check the source, or allow mass deletion for this sync'
  );
}
