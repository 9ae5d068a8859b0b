// What the engine needs from the outside, as interfaces: the store implements them with NeDB,
// tests may implement them in memory.
import type { SyncMode } from './types.ts';

/** One side of a folder as CONDSTORE describes it: any change to its messages moves one of these. */
export interface FolderSideMark {
  uidNext: number;
  messages: number;
  /** HIGHESTMODSEQ, as a decimal string. */
  highestModseq: string;
}

/**
 * Both sides of a folder at the end of the last pass that left them in step, in a given mode,
 * without an error. While neither side moved, the folder needs no FETCH at all; when only the
 * source moved (flags, new messages), CHANGEDSINCE tells what to do.
 */
export interface FolderSyncMark {
  mode: SyncMode;
  source: FolderSideMark;
  destination: FolderSideMark;
}

/** Which folders a folder's copy record is about, and the mark of the last clean pass. */
export interface FolderCopyHeader {
  sourceUidValidity: string;
  destFolder: string;
  destUidValidity: string;
  /** Set by markSynced; gone after a reset. */
  mark?: FolderSyncMark;
}

/** What earlier runs copied from one source folder (docs/spec.md E4). */
export interface FolderCopyState extends FolderCopyHeader {
  /** Source UID → destination UID (0 when the destination gave none). */
  copies: Map<number, number>;
}

export interface CopyStateStore {
  load(pairKey: string, sourceFolder: string): Promise<FolderCopyState | undefined>;
  /** The record without its copies: enough to tell an unchanged folder (optional: load() otherwise). */
  loadHeader?(pairKey: string, sourceFolder: string): Promise<FolderCopyHeader | undefined>;
  /** Starts a fresh record for the folder (first run, or a UIDVALIDITY changed on either side). */
  reset(pairKey: string, sourceFolder: string, state: Omit<FolderCopyState, 'copies'>): Promise<void>;
  /** Adds copies (a checkpoint: called every few hundred messages, not per message). */
  record(pairKey: string, sourceFolder: string, copies: [number, number][]): Promise<void>;
  /** Drops records of source messages that no longer exist. */
  forget(pairKey: string, sourceFolder: string, sourceUids: number[]): Promise<void>;
  /** Remembers (or with undefined, forgets) where both sides stood after a clean pass (optional: without it every pass scans). */
  markSynced?(pairKey: string, sourceFolder: string, mark: FolderSyncMark | undefined): Promise<void>;
}
