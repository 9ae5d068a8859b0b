// The embedded datastore: one NeDB file per collection, <dataDir>/<name>.db, opened on
// first use. Generic on purpose: the engine, syncs and runs add their own collections
// through `store.db.collection(name)`.
//
// Read-only opens (commands that do not take the lock) must not write while a writer
// may be appending to the same files. NeDB rewrites ("compacts") a file each time it
// loads it; a reader doing that could drop lines the writer appended meanwhile. So a
// read-only collection loads the file with compaction turned off, never creates a
// missing file (it is then empty and in memory), and rejects every write.
import fs from 'node:fs';
import path from 'node:path';
import Datastore from 'nedb-promises';
import { DIR_MODE, FILE_MODE } from './dataDir.ts';

export type Collection<T> = Datastore<T & { _id: string }>;

const NAME = /^[a-z][a-z0-9_-]{0,63}$/i;

const WRITE_METHODS = [
  'insert',
  'insertOne',
  'insertMany',
  'update',
  'updateOne',
  'updateMany',
  'remove',
  'removeOne',
  'removeMany',
  'ensureIndex',
  'removeIndex',
  'compactDatafile',
  'dropDatabase',
] as const;

/** A load failure (a damaged file) names the file, in one line. */
function nameLoadErrors(datastore: Collection<unknown>, file: string): void {
  const load = datastore.load.bind(datastore);
  (datastore as unknown as { load: () => Promise<void> }).load = () =>
    load().catch((error: unknown) => {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      throw new Error(`cannot load the datastore file ${file}: ${reason}`);
    });
}

interface NedbInternals {
  persistence: { persistCachedDatabaseAsync: () => Promise<void> };
  getAllData: () => object[];
}

/** A file this much bigger than the documents it holds is rewritten when loaded. */
const COMPACT_WHEN_GROWN = 2;
/** Small files are left alone whatever their ratio. */
const COMPACT_ABOVE_BYTES = 256 * 1024;

/**
 * NeDB rewrites (and fsyncs) the whole file each time it loads it. For the copy record of a
 * fleet that is megabytes rewritten by every command, including each pass that finds nothing to
 * do. NeDB's file is a log (an update or removal appends a line; loading keeps the last line of
 * each document), so a load only needs to rewrite it once updates have piled up: when the file
 * is COMPACT_WHEN_GROWN times the size of what it holds (estimated from a sample of the
 * documents), or when it ends in a partial line (a write cut short), which a later append
 * would otherwise join and spoil.
 */
function compactOnLoadOnlyWhenWorthIt(datastore: Collection<unknown>, file: string): void {
  const internals = datastore as unknown as NedbInternals;
  const persistence = internals.persistence;
  const compact = persistence.persistCachedDatabaseAsync.bind(persistence);
  let loaded = false;
  persistence.persistCachedDatabaseAsync = async () => {
    // The first call is the load's; later ones are explicit compactions.
    if (!loaded) {
      loaded = true;
      if (!worthCompacting(file, internals.getAllData())) return;
    }
    await compact();
  };
}

/**
 * NeDB's ensureIndex does not wait for the load: run before it, it finds no index and appends
 * one more index line to the file, every time the collection is opened. Run after it, an index
 * the file already has is known and nothing is written.
 */
function indexAfterLoading(datastore: Collection<unknown>): void {
  const ensureIndex = datastore.ensureIndex.bind(datastore);
  (datastore as unknown as { ensureIndex: typeof ensureIndex }).ensureIndex = async (options) => {
    await datastore.load();
    return ensureIndex(options);
  };
}

function worthCompacting(file: string, documents: object[]): boolean {
  let size: number;
  let lastByte: Buffer;
  try {
    size = fs.statSync(file).size;
    if (size === 0) return false;
    lastByte = Buffer.alloc(1);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, lastByte, 0, 1, size - 1);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return true;
  }
  if (lastByte[0] !== 0x0a) return true;
  if (size <= COMPACT_ABOVE_BYTES) return false;
  const step = Math.max(1, Math.floor(documents.length / 64));
  let sampled = 0;
  let sampledBytes = 0;
  for (let i = 0; i < documents.length; i += step) {
    sampledBytes += JSON.stringify(documents[i]).length + 1;
    sampled += 1;
  }
  const estimate = sampled ? (sampledBytes / sampled) * documents.length : 0;
  return size > COMPACT_WHEN_GROWN * estimate;
}

export class Database {
  readonly dataDir: string;
  readonly writable: boolean;
  readonly #collections = new Map<string, Collection<unknown>>();

  constructor(dataDir: string, options: { writable: boolean }) {
    this.dataDir = dataDir;
    this.writable = options.writable;
  }

  fileOf(name: string): string {
    return path.join(this.dataDir, `${name}.db`);
  }

  /** The collection `name` (letters, digits, `_`, `-`), loaded on first use. */
  collection<T extends object>(name: string): Collection<T> {
    if (!NAME.test(name)) throw new Error(`bad collection name ${JSON.stringify(name)}`);
    let datastore = this.#collections.get(name);
    if (!datastore) {
      datastore = this.writable ? this.#openWritable(name) : this.#openReadOnly(name);
      nameLoadErrors(datastore, this.fileOf(name));
      this.#collections.set(name, datastore);
    }
    return datastore as unknown as Collection<T>;
  }

  #openWritable(name: string): Collection<unknown> {
    const filename = this.fileOf(name);
    const datastore = Datastore.create({
      filename,
      // Loaded by nedb-promises before the first operation, so that a load error (a
      // damaged file) reaches the caller instead of becoming an unhandled rejection.
      autoload: false,
      // Passed through to @seald-io/nedb (missing from nedb-promises' types).
      modes: { fileMode: FILE_MODE, dirMode: DIR_MODE },
    } as Parameters<typeof Datastore.create>[0]) as unknown as Collection<unknown>;
    compactOnLoadOnlyWhenWorthIt(datastore, filename);
    indexAfterLoading(datastore);
    return datastore;
  }

  #openReadOnly(name: string): Collection<unknown> {
    const filename = this.fileOf(name);
    const datastore = (fs.existsSync(filename)
      ? Datastore.create({ filename, autoload: false })
      : Datastore.create({ inMemoryOnly: true })) as unknown as Collection<unknown>;
    // The proxy of nedb-promises forwards `persistence` to the wrapped NeDB datastore.
    const persistence = (datastore as unknown as { persistence: { persistCachedDatabaseAsync: () => Promise<void> } })
      .persistence;
    persistence.persistCachedDatabaseAsync = async () => undefined;
    for (const method of WRITE_METHODS) {
      (datastore as unknown as Record<string, unknown>)[method] = () =>
        Promise.reject(
          new Error(`collection ${name} is open read-only (this command does not take the data dir lock)`),
        );
    }
    return datastore;
  }

  /**
   * Forgets the open collections. NeDB writes each change when its promise resolves, so
   * there is nothing to flush once the callers have awaited their operations.
   */
  async close(): Promise<void> {
    this.#collections.clear();
  }
}
