// Pure: which destination folder each source folder goes to, which to create and subscribe,
// and (Sync All) which destination folders to delete. docs/spec.md E1, E2, W2.
import { folderKey, joinParts, pathParts, type Naming } from '../imap/folderNames.ts';
import type { FolderCounts, FolderInfo } from '../imap/session.ts';
import type { SyncMode } from './types.ts';

export interface FolderPair {
  source: FolderInfo;
  destPath: string;
  destExists: boolean;
  /** Subscribe on the destination (subscribed on the source, not yet on the destination). */
  subscribe: boolean;
  /** The destination folder's counters as its listing brought them (LIST-STATUS), when it did. */
  destCounts?: FolderCounts;
  /** Why the destination name differs from a plain translation, for the download log. */
  note?: string;
}

export interface FolderPlan {
  pairs: FolderPair[];
  /** Destination folders to delete (Sync All), deepest first. */
  deleteFolders: string[];
  /** One line per folder name that had to be rewritten. */
  notes: string[];
}

export interface FolderPlanInput {
  mode: SyncMode;
  mapSpecialUse: boolean;
  source: FolderInfo[];
  sourceNaming: Naming;
  destination: FolderInfo[];
  destinationNaming: Naming;
}

const SPECIAL_USES = ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive'];

/** Destination special-use folders, by use: the server-reported one first, else a name guess. */
function destinationSpecials(folders: FolderInfo[]): Map<string, FolderInfo> {
  const byUse = new Map<string, FolderInfo>();
  for (const folder of folders) {
    if (!folder.specialUse || !SPECIAL_USES.includes(folder.specialUse)) continue;
    const existing = byUse.get(folder.specialUse);
    if (!existing || (folder.specialUseReported && !existing.specialUseReported)) byUse.set(folder.specialUse, folder);
  }
  return byUse;
}

export function planFolders(input: FolderPlanInput): FolderPlan {
  const { sourceNaming, destinationNaming } = input;
  const destByKey = new Map(input.destination.map((folder) => [folderKey(folder.path, destinationNaming), folder]));
  const specials = input.mapSpecialUse ? destinationSpecials(input.destination) : new Map<string, FolderInfo>();

  // Top-level source special folders whose destination counterpart has another name:
  // their parts prefix is replaced by the destination folder's parts (children follow).
  const prefixMap = new Map<string, string[]>();
  for (const folder of input.source) {
    if (!folder.specialUse || !SPECIAL_USES.includes(folder.specialUse)) continue;
    const target = specials.get(folder.specialUse);
    if (!target) continue;
    const sourceParts = pathParts(folder.path, sourceNaming);
    const targetParts = pathParts(target.path, destinationNaming);
    if (sourceParts.join('\u0000') === targetParts.join('\u0000')) continue;
    prefixMap.set(sourceParts.join('\u0000'), targetParts);
  }

  const notes: string[] = [];
  const pairs: FolderPair[] = [];
  const plainTargets = new Set(
    input.source.map((folder) => joinParts(pathParts(folder.path, sourceNaming), destinationNaming).path),
  );
  for (const folder of input.source) {
    const parts = pathParts(folder.path, sourceNaming);
    let mappedParts = parts;
    let note: string | undefined;
    for (let length = parts.length; length > 0; length--) {
      const target = prefixMap.get(parts.slice(0, length).join('\u0000'));
      if (!target) continue;
      const candidate = [...target, ...parts.slice(length)];
      const candidatePath = joinParts(candidate, destinationNaming).path;
      // A source folder already named like the destination's special folder keeps that
      // place; mapping a second folder onto it would merge two folders into one.
      if (plainTargets.has(candidatePath)) break;
      mappedParts = candidate;
      note = `special folder "${folder.path}" mapped onto "${candidatePath}"`;
      break;
    }
    const translated = joinParts(mappedParts, destinationNaming);
    if (translated.rewritten) {
      note = `folder name "${folder.path}" holds the destination separator "${destinationNaming.delimiter}": rewritten to "${translated.path}"`;
    }
    if (note) notes.push(note);
    const existing = destByKey.get(folderKey(translated.path, destinationNaming));
    pairs.push({
      source: folder,
      destPath: existing?.path ?? translated.path,
      destExists: Boolean(existing && !existing.noSelect),
      subscribe: folder.subscribed && !existing?.subscribed,
      destCounts: existing && !existing.noSelect ? existing.counts : undefined,
      note,
    });
  }

  const deleteFolders: string[] = [];
  if (input.mode === 'all') {
    const kept = new Set(pairs.map((pair) => folderKey(pair.destPath, destinationNaming)));
    for (const folder of input.destination) {
      const key = folderKey(folder.path, destinationNaming);
      if (kept.has(key)) continue;
      if (key === 'INBOX') continue;
      // Special folders belong to the destination server's setup (it may re-create them).
      if (folder.specialUse && SPECIAL_USES.includes(folder.specialUse) && folder.specialUseReported) continue;
      // A parent of a kept folder stays.
      const isAncestor = [...kept].some((keptKey) => keptKey.startsWith(key + '\u0000'));
      if (isAncestor) continue;
      deleteFolders.push(folder.path);
    }
    deleteFolders.sort((a, b) => pathParts(b, destinationNaming).length - pathParts(a, destinationNaming).length);
  }
  return { pairs, deleteFolders, notes };
}
