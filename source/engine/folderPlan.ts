// The full scan of one folder pair: lists both sides, matches them with the copy record and by
// content identity, and decides every action (planMessages.ts). Touches nothing. Where the last
// clean pass left a CONDSTORE mark, folderMarks.ts decides first.
import type { FolderStatus, ImapSession, MessageSummary } from '../imap/session.ts';
import { onDestinationStructure, placeholderWork, type FolderContext, type FolderWork } from './folderContext.ts';
import { planFromMark, sideMark } from './folderMarks.ts';
import type { FolderPair } from './planFolders.ts';
import { identitiesNeeded, identityKey, planFolderMessages, type FlagPolicy } from './planMessages.ts';

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

/** Lists both sides of one folder pair and decides every action. Touches nothing. */
export async function planFolderWork(context: FolderContext, pair: Readonly<FolderPair>): Promise<FolderWork> {
  const { source, destination, options } = context;
  if (pair.source.noSelect) return placeholderWork(pair);
  const record = await context.state.load(context.pairKey, pair.source.path);
  const fromMark = await planFromMark(context, pair, record);
  if (fromMark.work) return fromMark.work;
  // Both sides are listed at once, each on its own connection; a folder the mark's attempt
  // selected just now is not selected again.
  const selected = fromMark.selected;
  const [sourceSide, destSide] = await Promise.all([
    (async () => {
      const status = selected?.source ?? (await source.select(pair.source.path, true));
      return { status, messages: await source.listMessages(status.exists) };
    })(),
    pair.destExists
      ? (async () => {
          const status =
            selected?.destination ??
            (await onDestinationStructure(context, () => destination.select(pair.destPath, options.dryRun)));
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
  return {
    pair,
    sourceStatus,
    recordValid,
    plan: planFolderMessages({ ...base, sourceIdentity, destinationIdentity }),
    sourceCount: sourceMessages.length,
    destCount: destMessages.length,
    sourceMark: sideMark(sourceStatus.uidNext, sourceStatus.exists, sourceStatus.highestModseq),
  };
}
