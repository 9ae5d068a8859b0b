// The download-log lines of a folder (docs/spec.md D6): what a plan would do (dry run) and what
// a pass did, from the folder's own tally.
import type { FolderWork } from './folderContext.ts';
import type { FolderPair } from './planFolders.ts';
import { flagChangeCount } from './planMessages.ts';
import type { Counters } from './types.ts';

function folderLine(pair: Readonly<FolderPair>, parts: string[]): string {
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

/** The download-log line of a folder once done: what it did, from its own tally, and how it was planned. */
export function describeFolderResult(work: FolderWork, done: Counters): string {
  const parts: string[] = [];
  if (done.foldersCreated > 0) parts.push('created');
  parts.push(`copied ${done.downloaded}`, `flags ${done.flagsChanged}`);
  parts.push(`deleted ${done.messagesDeleted}`);
  if (done.duplicatesDeleted > 0) parts.push(`duplicates deleted ${done.duplicatesDeleted}`);
  const adopted = work.plan.adopt.length;
  if (adopted > 0) parts.push(`${adopted} already there`);
  if (done.errors > 0) parts.push(`errors ${done.errors}`);
  const how = work.unchanged
    ? ' (unchanged since the last pass)'
    : work.incremental
      ? ' (changes only, by CONDSTORE)'
      : '';
  return folderLine(work.pair, parts) + how;
}
