// Pure: for one folder, what to copy, which copies to adopt, whose flags to set and what to
// delete, from both listings, the recorded copy map and the mode (docs/spec.md W2, E3, E4).
import type { MessageSummary } from '../imap/session.ts';
import type { SyncMode } from './types.ts';

export interface FlagUpdate {
  flags: string[];
  destUids: number[];
}

export interface FolderMessagePlan {
  /** Source messages to copy, in UID order. */
  copy: MessageSummary[];
  /** Source UID → destination UID of copies found by content identity (recorded, not copied). */
  adopt: [number, number][];
  /** Destination messages whose flags are set, grouped by the wanted flag set. */
  flagUpdates: FlagUpdate[];
  /** Destination messages absent from the source (Sync All). */
  deleteAbsent: number[];
  /** Destination copies beyond the number the source holds (Sync All). */
  deleteDuplicates: number[];
  /** Recorded source UIDs that no longer exist on the source: their records are dropped. */
  forget: number[];
}

export interface FlagPolicy {
  /** Any keyword may be stored on the destination. */
  anyKeyword: boolean;
  /** Else only these (system flags always may be). */
  permanentFlags: string[] | null;
}

const SYSTEM_FLAGS = new Set(['\\seen', '\\answered', '\\flagged', '\\deleted', '\\draft']);

/** The source flags the destination can keep (docs/spec.md E3: keywords where PERMANENTFLAGS allow). */
export function storableFlags(flags: string[], policy: FlagPolicy): string[] {
  return flags
    .filter((flag) => {
      const lower = flag.toLowerCase();
      if (lower === '\\recent') return false;
      if (SYSTEM_FLAGS.has(lower)) return true;
      if (flag.startsWith('\\')) return false;
      return policy.anyKeyword || (policy.permanentFlags ?? []).some((allowed) => allowed.toLowerCase() === lower);
    })
    .sort();
}

function sameFlags(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const lower = new Set(a.map((flag) => flag.toLowerCase()));
  return b.every((flag) => lower.has(flag.toLowerCase()));
}

export interface FolderMessageInput {
  mode: SyncMode;
  source: MessageSummary[];
  /** Empty when the destination folder does not exist yet. */
  destination: MessageSummary[];
  /** Recorded copies: source UID → destination UID (0 when the destination gave no UID). */
  recorded: Map<number, number>;
  /**
   * Content identity (Message-ID with size and date, or a header hash) of the messages the map
   * does not explain. Undefined when not needed; see `identitiesNeeded`.
   */
  sourceIdentity?: Map<number, string>;
  destinationIdentity?: Map<number, string>;
  flagPolicy: FlagPolicy;
}

interface Partition {
  sourceByUid: Map<number, MessageSummary>;
  destinationByUid: Map<number, MessageSummary>;
  /** Recorded pairs whose both sides still exist. */
  linked: [MessageSummary, MessageSummary][];
  unmatchedSource: MessageSummary[];
  unmatchedDestination: MessageSummary[];
  forget: number[];
}

function partition(input: FolderMessageInput): Partition {
  const sourceByUid = new Map(input.source.map((message) => [message.uid, message]));
  const destinationByUid = new Map(input.destination.map((message) => [message.uid, message]));
  const linked: [MessageSummary, MessageSummary][] = [];
  const linkedDestination = new Set<number>();
  const unmatchedSource: MessageSummary[] = [];
  const forget: number[] = [];
  for (const sourceUid of input.recorded.keys()) {
    if (!sourceByUid.has(sourceUid)) forget.push(sourceUid);
  }
  for (const message of input.source) {
    const destUid = input.recorded.get(message.uid);
    if (destUid === undefined) {
      unmatchedSource.push(message);
      continue;
    }
    const copy = destUid > 0 ? destinationByUid.get(destUid) : undefined;
    if (copy && !linkedDestination.has(copy.uid)) {
      linked.push([message, copy]);
      linkedDestination.add(copy.uid);
    } else if (input.mode === 'all') {
      // A mirror puts back a copy that disappeared from the destination.
      unmatchedSource.push(message);
    }
    // The other modes never copy a message twice, even if its copy was deleted since.
  }
  const unmatchedDestination = input.destination.filter((message) => !linkedDestination.has(message.uid));
  return { sourceByUid, destinationByUid, linked, unmatchedSource, unmatchedDestination, forget };
}

/**
 * Which UIDs need a content identity before planning: the messages the copy map does not
 * explain, on both sides (and in Sync All every source message, to tell a destination
 * duplicate from a message deleted on the source).
 */
export function identitiesNeeded(input: Omit<FolderMessageInput, 'sourceIdentity' | 'destinationIdentity'>): {
  source: number[];
  destination: number[];
} {
  const parts = partition(input);
  if (parts.unmatchedDestination.length === 0) return { source: [], destination: [] };
  const wantsDeletes = input.mode === 'all';
  if (parts.unmatchedSource.length === 0 && !wantsDeletes) return { source: [], destination: [] };
  return {
    source: (wantsDeletes ? input.source : parts.unmatchedSource).map((message) => message.uid),
    destination: parts.unmatchedDestination.map((message) => message.uid),
  };
}

export function planFolderMessages(input: FolderMessageInput): FolderMessagePlan {
  const parts = partition(input);
  const sourceIdentity = input.sourceIdentity ?? new Map<number, string>();
  const destinationIdentity = input.destinationIdentity ?? new Map<number, string>();

  // Destination copies nobody recorded, by identity, to be claimed one by one (a multiset:
  // two equal source messages claim two equal copies).
  const unclaimed = new Map<string, number[]>();
  for (const message of parts.unmatchedDestination) {
    const key = destinationIdentity.get(message.uid);
    if (!key) continue;
    const list = unclaimed.get(key) ?? [];
    list.push(message.uid);
    unclaimed.set(key, list);
  }
  const adopt: [number, number][] = [];
  const copy: MessageSummary[] = [];
  const pairs = [...parts.linked];
  for (const message of parts.unmatchedSource) {
    const key = sourceIdentity.get(message.uid);
    const candidates = key ? unclaimed.get(key) : undefined;
    const destUid = candidates?.shift();
    if (destUid !== undefined) {
      adopt.push([message.uid, destUid]);
      const copyOnDestination = parts.destinationByUid.get(destUid);
      if (copyOnDestination) pairs.push([message, copyOnDestination]);
    } else {
      copy.push(message);
    }
  }
  copy.sort((a, b) => a.uid - b.uid);

  const flagUpdates = input.mode !== 'new' ? flagUpdatesFor(pairs, input.flagPolicy) : [];

  const deleteAbsent: number[] = [];
  const deleteDuplicates: number[] = [];
  if (input.mode === 'all') {
    const adopted = new Set(adopt.map(([, destUid]) => destUid));
    const sourceKeys = new Set(sourceIdentity.values());
    for (const message of parts.unmatchedDestination) {
      if (adopted.has(message.uid)) continue;
      const key = destinationIdentity.get(message.uid);
      if (key && sourceKeys.has(key)) deleteDuplicates.push(message.uid);
      else deleteAbsent.push(message.uid);
    }
  }
  return { copy, adopt, flagUpdates, deleteAbsent, deleteDuplicates, forget: parts.forget };
}

/** The STOREs that make each destination copy's flags those of its source message, grouped by flag set. */
export function flagUpdatesFor(
  pairs: [Pick<MessageSummary, 'flags'>, Pick<MessageSummary, 'uid' | 'flags'>][],
  policy: FlagPolicy,
): FlagUpdate[] {
  const changes: [string[], number][] = [];
  for (const [source, destination] of pairs) {
    const wanted = storableFlags(source.flags, policy);
    if (!sameFlags(wanted, destination.flags)) changes.push([wanted, destination.uid]);
  }
  return groupByFlags(changes);
}

/** One STORE per set of flags: the destination UIDs that are to get each set. */
export function groupByFlags(changes: Iterable<[flags: string[], destUid: number]>): FlagUpdate[] {
  const groups = new Map<string, FlagUpdate>();
  for (const [flags, destUid] of changes) {
    const key = [...flags].sort().join(' ');
    const group = groups.get(key) ?? { flags, destUids: [] };
    group.destUids.push(destUid);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Messages whose flags the plan changes. */
export function flagChangeCount(plan: FolderMessagePlan): number {
  return plan.flagUpdates.reduce((sum, update) => sum + update.destUids.length, 0);
}

/** The content identity of a message: Message-ID with size and date, else a header hash. */
export function identityKey(
  message: Pick<MessageSummary, 'size' | 'internalDate'>,
  info: { messageId?: string; headerHash?: string },
): string | undefined {
  const date = Math.floor(message.internalDate / 1000);
  if (info.messageId) return `id:${info.messageId}|${message.size}|${date}`;
  if (info.headerHash) return `h:${info.headerHash}|${message.size}|${date}`;
  return undefined;
}
