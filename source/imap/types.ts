// The shapes the engine plans with, as an IMAP session reports them: plain data, no imapflow
// type, bigints already strings.

export interface FolderInfo {
  /** Decoded (UTF-8) path as the server names it. */
  path: string;
  delimiter: string;
  /** "\Sent", "\Drafts", ... as the server reports it (or imapflow guesses from a well-known name). */
  specialUse?: string;
  /** Whether the server itself reported the special use (not a guess from the name). */
  specialUseReported: boolean;
  subscribed: boolean;
  /** A hierarchy placeholder that holds no messages. */
  noSelect: boolean;
  /** Its counters as the listing brought them (LIST-STATUS, with CONDSTORE), when it did. */
  counts?: FolderCounts;
}

export interface FolderStatus {
  uidValidity: string;
  uidNext: number;
  exists: number;
  highestModseq?: string;
  /** Flags that can be stored permanently; null when any keyword may be created ("\*"). */
  permanentFlags: string[] | null;
  /** Any keyword may be stored. */
  anyKeyword: boolean;
}

/** A folder's counters without selecting it (STATUS, or LIST-STATUS with the listing). */
export interface FolderCounts {
  uidValidity: string;
  uidNext: number;
  messages: number;
  /** With CONDSTORE only. */
  highestModseq?: string;
}

export interface MessageSummary {
  uid: number;
  /** Sorted, without \Recent. */
  flags: string[];
  size: number;
  /** Milliseconds since the epoch. */
  internalDate: number;
}

export interface MessageIdentityInfo {
  uid: number;
  messageId?: string;
  /** SHA-256 of the header block, for messages without a Message-ID. */
  headerHash?: string;
}

export interface FetchedMessage {
  uid: number;
  source: Buffer;
}

export interface AppendResult {
  uid?: number;
  uidValidity?: string;
}

export interface AppendItem {
  source: Buffer;
  flags: string[];
  /** Milliseconds since the epoch. */
  internalDate: number;
}
