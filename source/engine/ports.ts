// What the engine needs from the outside, as interfaces: the store implements them with NeDB,
// tests may implement them in memory.

/** What earlier runs copied from one source folder (SPEC E4). */
export interface FolderCopyState {
  sourceUidValidity: string;
  destFolder: string;
  destUidValidity: string;
  /** Source UID → destination UID (0 when the destination gave none). */
  copies: Map<number, number>;
}

export interface CopyStateStore {
  load(pairKey: string, sourceFolder: string): Promise<FolderCopyState | undefined>;
  /** Starts a fresh record for the folder (first run, or a UIDVALIDITY changed on either side). */
  reset(pairKey: string, sourceFolder: string, state: Omit<FolderCopyState, 'copies'>): Promise<void>;
  /** Adds copies (a checkpoint: called every few hundred messages, not per message). */
  record(pairKey: string, sourceFolder: string, copies: [number, number][]): Promise<void>;
  /** Drops records of source messages that no longer exist. */
  forget(pairKey: string, sourceFolder: string, sourceUids: number[]): Promise<void>;
}
