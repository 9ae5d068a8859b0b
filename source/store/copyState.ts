// The persisted record of what was copied (docs/spec.md E4), in NeDB. Append-only batches, one per
// checkpoint, so a checkpoint costs one appended line however big the folder; a folder's
// batches are folded into one when they pile up.
import type Datastore from 'nedb-promises';
import type { CopyStateStore, FolderCopyHeader, FolderCopyState, FolderSyncMark } from '../engine/ports.ts';

interface FolderHeaderDoc {
  kind: 'folder';
  pair: string;
  folder: string;
  generation: number;
  sourceUidValidity: string;
  destFolder: string;
  destUidValidity: string;
  /** Where both sides stood after the last clean pass (CONDSTORE fast path). */
  mark?: FolderSyncMark;
}

interface BatchDoc {
  kind: 'copies' | 'forget';
  pair: string;
  folder: string;
  generation: number;
  seq: number;
  /**
   * One string: "sourceUid:destUid,..." for copies, "sourceUid,..." for forget. Arrays of pairs
   * made NeDB call its JSON reviver (and its deep copy) for every number of every record each
   * time the file loads; a string is one value.
   */
  packed?: string;
  /** The format before `packed` (still read): [sourceUid, destUid] pairs, or source UIDs. */
  entries?: [number, number][] | number[];
}

function packCopies(copies: Iterable<[number, number]>): string {
  let text = '';
  for (const [sourceUid, destUid] of copies) text += `${text ? ',' : ''}${sourceUid}:${destUid}`;
  return text;
}

function packUids(uids: number[]): string {
  return uids.join(',');
}

/** Applies one batch to the copies map. */
function applyBatch(copies: Map<number, number>, batch: BatchDoc): void {
  if (batch.packed !== undefined) {
    if (batch.packed === '') return;
    for (const item of batch.packed.split(',')) {
      if (batch.kind === 'copies') {
        const colon = item.indexOf(':');
        copies.set(Number(item.slice(0, colon)), Number(item.slice(colon + 1)));
      } else {
        copies.delete(Number(item));
      }
    }
    return;
  }
  if (batch.kind === 'copies') {
    for (const [sourceUid, destUid] of (batch.entries ?? []) as [number, number][]) copies.set(sourceUid, destUid);
  } else {
    for (const sourceUid of (batch.entries ?? []) as number[]) copies.delete(sourceUid);
  }
}

function copyHeaderOf(header: FolderHeaderDoc): FolderCopyHeader {
  return {
    sourceUidValidity: header.sourceUidValidity,
    destFolder: header.destFolder,
    destUidValidity: header.destUidValidity,
    ...(header.mark ? { mark: header.mark } : {}),
  };
}

const FOLD_AFTER_BATCHES = 32;

export class NedbCopyStateStore implements CopyStateStore {
  private seq = Date.now() * 1000;
  private indexed: Promise<void> | undefined;

  constructor(private readonly collection: Datastore<FolderHeaderDoc | BatchDoc>) {}

  private ready(): Promise<void> {
    this.indexed ??= this.collection.ensureIndex({ fieldName: 'pair' }).then(() => undefined);
    return this.indexed;
  }

  private nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  private async header(pair: string, folder: string): Promise<FolderHeaderDoc | null> {
    await this.ready();
    return (await this.collection.findOne({ kind: 'folder', pair, folder })) as FolderHeaderDoc | null;
  }

  async loadHeader(pair: string, folder: string): Promise<FolderCopyHeader | undefined> {
    const header = await this.header(pair, folder);
    return header ? copyHeaderOf(header) : undefined;
  }

  async load(pair: string, folder: string): Promise<FolderCopyState | undefined> {
    const header = await this.header(pair, folder);
    if (!header) return undefined;
    const batches = (await this.collection
      .find({ pair, folder, generation: header.generation, kind: { $in: ['copies', 'forget'] } })
      .sort({ seq: 1 })) as BatchDoc[];
    const copies = new Map<number, number>();
    for (const batch of batches) applyBatch(copies, batch);
    if (batches.length > FOLD_AFTER_BATCHES) await this.fold(header, copies);
    return { ...copyHeaderOf(header), copies };
  }

  /** Replaces a folder's batches by one (insert first, so a crash in between loses nothing). */
  private async fold(header: FolderHeaderDoc, copies: Map<number, number>): Promise<void> {
    const seq = this.nextSeq();
    await this.collection.insert({
      kind: 'copies',
      pair: header.pair,
      folder: header.folder,
      generation: header.generation,
      seq,
      packed: packCopies(copies.entries()),
    });
    await this.collection.remove(
      { pair: header.pair, folder: header.folder, kind: { $in: ['copies', 'forget'] }, seq: { $lt: seq } },
      { multi: true },
    );
  }

  async reset(pair: string, folder: string, state: Omit<FolderCopyState, 'copies'>): Promise<void> {
    const previous = await this.header(pair, folder);
    const generation = (previous?.generation ?? 0) + 1;
    const header: FolderHeaderDoc = { kind: 'folder', pair, folder, generation, ...state };
    await this.collection.update({ kind: 'folder', pair, folder }, header, { upsert: true });
    await this.collection.remove({ pair, folder, kind: { $in: ['copies', 'forget'] } }, { multi: true });
  }

  async record(pair: string, folder: string, copies: [number, number][]): Promise<void> {
    if (copies.length === 0) return;
    const header = await this.header(pair, folder);
    if (!header) throw new Error(`copy state of ${folder} was not started`);
    await this.collection.insert({
      kind: 'copies',
      pair,
      folder,
      generation: header.generation,
      seq: this.nextSeq(),
      packed: packCopies(copies),
    });
  }

  async markSynced(pair: string, folder: string, mark: FolderSyncMark | undefined): Promise<void> {
    await this.ready();
    await this.collection.update(
      { kind: 'folder', pair, folder },
      mark ? { $set: { mark } } : { $unset: { mark: true } },
    );
  }

  async forget(pair: string, folder: string, sourceUids: number[]): Promise<void> {
    if (sourceUids.length === 0) return;
    const header = await this.header(pair, folder);
    if (!header) return;
    await this.collection.insert({
      kind: 'forget',
      pair,
      folder,
      generation: header.generation,
      seq: this.nextSeq(),
      packed: packUids(sourceUids),
    });
  }
}
