// Copying a folder's planned messages: FETCH batches bounded by count and bytes, each taking its
// share of the byte budget, the next batch fetched on the source while the current one is
// appended on the destination, every copy recorded through a checkpoint.
import { ImapError } from '../imap/connection.ts';
import type { MessageSummary } from '../imap/session.ts';
import type { Checkpoint } from './checkpoint.ts';
import { AccountStop, checkAbort, settle, type FolderContext, type Settled } from './folderContext.ts';
import { releaseBodies } from './memoryRelief.ts';
import { storableFlags, type FlagPolicy } from './planMessages.ts';

/** Splits the copy list into FETCH batches bounded by count and bytes. */
export function copyBatches(
  messages: readonly MessageSummary[],
  maxMessages: number,
  maxBytes: number,
): MessageSummary[][] {
  const batches: MessageSummary[][] = [];
  let current: MessageSummary[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (current.length > 0 && (current.length >= maxMessages || bytes + message.size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Appends one batch: all of it in one MULTIAPPEND where the destination offers it (one round
 * trip, one transaction), each copy recorded as its UID comes back. A batch the server refuses
 * as a whole stored nothing (MULTIAPPEND is atomic): it is sent again one message at a time, so
 * what fits is copied and the message at fault is named (APPEND_FAILED) or the account stops
 * (OVERQUOTA). A lost connection is left to the caller: the next plan recognises by content
 * whatever the server stored without our record.
 */
async function appendBatch(
  context: FolderContext,
  destPath: string,
  sourcePath: string,
  items: { message: MessageSummary; body: Buffer }[],
  flagPolicy: FlagPolicy,
  checkpoint: Checkpoint,
): Promise<void> {
  const { destination, report } = context;
  if (items.length === 0) return;
  const done = async (message: MessageSummary, body: Buffer, uid: number | undefined) => {
    await checkpoint.add(message.uid, uid ?? 0);
    report.addBytes(body.length);
  };
  if (items.length > 1 && destination.canMultiAppend) {
    try {
      const results = await destination.appendMany(
        destPath,
        items.map(({ message, body }) => ({
          source: body,
          flags: storableFlags(message.flags, flagPolicy),
          internalDate: message.internalDate,
        })),
      );
      for (let i = 0; i < items.length; i++) await done(items[i].message, items[i].body, results[i]?.uid);
      report.add('downloaded', items.length);
      return;
    } catch (error) {
      if (!(error instanceof ImapError) || error.transient) throw error;
      report.note(
        `${destPath}: a batch of ${items.length} was refused (${error.message}); sending it one message at a time`,
      );
    }
  }
  for (const { message, body } of items) {
    checkAbort(context.signal);
    try {
      const result = await destination.append(
        destPath,
        body,
        storableFlags(message.flags, flagPolicy),
        message.internalDate,
      );
      await done(message, body, result.uid);
      report.add('downloaded');
    } catch (error) {
      if (!(error instanceof ImapError) || error.transient) throw error;
      if (error.code === 'OVERQUOTA') {
        throw new AccountStop('failed', `${destPath}: ${error.message}`, 'OVERQUOTA');
      }
      report.error(
        'APPEND_FAILED',
        `${sourcePath} UID ${message.uid} (${message.size} bytes): ${error.message}; skipped`,
      );
    }
  }
}

type Fetched = { bodies: Map<number, Buffer>; release: () => void };

/** The source side of a copy, started before the destination is ready: its first FETCH goes out at once. */
export class BatchFetcher {
  private next: Promise<Settled<Fetched>> | undefined;

  constructor(
    private readonly context: FolderContext,
    private readonly sourcePath: string,
    readonly batches: readonly MessageSummary[][],
  ) {
    this.next =
      batches.length > 0
        ? settle(context.source.ensureSelected(sourcePath, true).then(() => this.fetch(batches[0])))
        : undefined;
  }

  /** Takes the batch's share of the byte budget, then fetches its bodies in one FETCH. */
  private async fetch(batch: readonly MessageSummary[]): Promise<Fetched> {
    const release = await this.context.budget.acquire(batch.reduce((sum, message) => sum + message.size, 0));
    try {
      const fetched = await this.context.source.fetchSources(batch.map((m) => m.uid));
      return { bodies: new Map(fetched.map((message) => [message.uid, message.source])), release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** The bodies of batch `index` (fetched ahead), starting the FETCH of the one after it. */
  async take(index: number): Promise<Fetched> {
    const fetched = await this.next!;
    this.next = index + 1 < this.batches.length ? settle(this.fetch(this.batches[index + 1])) : undefined;
    if (!fetched.ok) throw fetched.error;
    return fetched.value;
  }

  /** Waits for the batch being fetched ahead and gives its memory back (on the way out). */
  async drop(): Promise<void> {
    const pending = this.next;
    this.next = undefined;
    const settled = pending ? await pending : undefined;
    if (settled?.ok) settled.value.release();
  }
}

/** Appends every batch the fetcher brings, in order; the caller drops the fetcher and flushes the checkpoint. */
export async function copyFetched(
  context: FolderContext,
  fetcher: BatchFetcher,
  paths: { source: string; destination: string },
  flagPolicy: FlagPolicy,
  checkpoint: Checkpoint,
): Promise<void> {
  const { report } = context;
  for (let index = 0; index < fetcher.batches.length; index++) {
    const fetched = await fetcher.take(index);
    try {
      checkAbort(context.signal);
      const items: { message: MessageSummary; body: Buffer }[] = [];
      for (const message of fetcher.batches[index]) {
        const body = fetched.bodies.get(message.uid);
        if (!body) {
          report.error(
            'FETCH_FAILED',
            `${paths.source} UID ${message.uid}: the source returned no body (deleted meanwhile?); skipped`,
          );
          continue;
        }
        items.push({ message, body });
      }
      fetched.bodies.clear();
      await appendBatch(context, paths.destination, paths.source, items, flagPolicy, checkpoint);
      // Appended and answered: the bodies' memory goes back now, not at the next full collection.
      releaseBodies(items);
    } finally {
      fetched.release();
    }
  }
}
