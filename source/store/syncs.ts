// Syncs, their runs, and per-account results of each run, in NeDB. Remote passwords are
// sealed at rest like every password.
import { UsageError } from '../errors.ts';
import type {
  AccountRunRecord,
  HistoryEntry,
  RunRecord,
  SyncRecord,
  SyncSettings,
  SyncStatus,
} from '../engine/syncModel.ts';
import type { Database } from './database.ts';

interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

type SyncDoc = Omit<SyncRecord, 'id'> & { _id: string };
type RunDoc = Omit<RunRecord, 'id'> & { _id: string };
type AccountRunDoc = AccountRunRecord & { _id: string };

export class SyncRepository {
  constructor(
    private readonly db: Database,
    private readonly secrets: Sealer,
  ) {}

  private get syncs() {
    return this.db.collection<Omit<SyncDoc, '_id'>>('syncs');
  }

  private get runs() {
    return this.db.collection<Omit<RunDoc, '_id'>>('runs');
  }

  private accountRunsIndex?: Promise<unknown>;

  /**
   * The per-account results of every run: one document per account per pass, so the collection
   * grows with the history. Indexed by run, so that saving an account's progress does not scan
   * the history.
   */
  private async accountRuns() {
    const collection = this.db.collection<Omit<AccountRunDoc, '_id'>>('account_runs');
    if (this.db.writable) await (this.accountRunsIndex ??= collection.ensureIndex({ fieldName: 'runId' }));
    return collection;
  }

  private get historyEntries() {
    return this.db.collection<HistoryEntry>('history');
  }

  private sealSettings(settings: SyncSettings): SyncSettings {
    return {
      ...settings,
      sourceAdmin: settings.sourceAdmin && {
        ...settings.sourceAdmin,
        password: this.secrets.seal(settings.sourceAdmin.password),
      },
      accounts: settings.accounts.map((account) => ({
        ...account,
        remotePassword: account.remotePassword ? this.secrets.seal(account.remotePassword) : undefined,
      })),
    };
  }

  private toRecord(doc: SyncDoc): SyncRecord {
    const { _id, ...rest } = doc;
    return {
      ...rest,
      id: _id,
      sourceAdmin: rest.sourceAdmin && { ...rest.sourceAdmin, password: this.secrets.open(rest.sourceAdmin.password) },
      accounts: rest.accounts.map((account) => ({
        ...account,
        remotePassword: account.remotePassword ? this.secrets.open(account.remotePassword) : undefined,
      })),
    };
  }

  async create(
    settings: SyncSettings,
    status: SyncStatus,
    extra: { nextRunAt?: string; recreatedFrom?: string } = {},
  ): Promise<SyncRecord> {
    const doc = (await this.syncs.insert({
      ...this.sealSettings(settings),
      createdAt: new Date().toISOString(),
      status,
      ...extra,
    })) as SyncDoc;
    return this.toRecord(doc);
  }

  /** A sync by id or by an unambiguous id prefix (at least 4 characters). */
  async get(idOrPrefix: string): Promise<SyncRecord> {
    const exact = (await this.syncs.findOne({ _id: idOrPrefix })) as SyncDoc | null;
    if (exact) return this.toRecord(exact);
    if (idOrPrefix.length >= 4) {
      const all = (await this.syncs.find({})) as SyncDoc[];
      const matches = all.filter((doc) => doc._id.startsWith(idOrPrefix));
      if (matches.length === 1) return this.toRecord(matches[0]);
      if (matches.length > 1)
        throw new UsageError(`sync id ${idOrPrefix} is ambiguous; give more of it (see \`sync list\`)`);
    }
    throw new UsageError(`no sync with id ${idOrPrefix}; see \`imap-migrate sync list\``);
  }

  /** Newest first. */
  async list(): Promise<SyncRecord[]> {
    const docs = (await this.syncs.find({}).sort({ createdAt: -1 })) as SyncDoc[];
    return docs.map((doc) => this.toRecord(doc));
  }

  /** Sets the status and when it is next due (undefined: not scheduled). */
  async setStatus(id: string, status: SyncStatus, nextRunAt?: string): Promise<void> {
    if (nextRunAt) await this.syncs.update({ _id: id }, { $set: { status, nextRunAt } });
    else await this.syncs.update({ _id: id }, { $set: { status }, $unset: { nextRunAt: true } });
  }

  async update(id: string, patch: Partial<SyncSettings>): Promise<void> {
    const sealed =
      patch.accounts || patch.sourceAdmin ? this.sealSettings({ ...(await this.get(id)), ...patch }) : patch;
    const fields = Object.fromEntries(Object.keys(patch).map((key) => [key, (sealed as Record<string, unknown>)[key]]));
    await this.syncs.update({ _id: id }, { $set: fields });
  }

  async startRun(syncId: string): Promise<RunRecord> {
    const doc = (await this.runs.insert({ syncId, startedAt: new Date().toISOString(), status: 'Running' })) as RunDoc;
    return { id: doc._id, syncId: doc.syncId, startedAt: doc.startedAt, status: doc.status };
  }

  /** A Paused run keeps when it paused, so that a resume can leave the pause out of its running time. */
  async finishRun(runId: string, status: SyncStatus, completed: boolean): Promise<void> {
    const now = new Date().toISOString();
    await this.runs.update(
      { _id: runId },
      {
        $set: { status, ...(completed ? { completedAt: now } : {}), ...(status === 'Paused' ? { pausedAt: now } : {}) },
      },
    );
  }

  /** The same run goes on after a pause (docs/spec.md D2): the paused time adds up in pausedMs. */
  async resumeRun(runId: string): Promise<RunRecord> {
    const doc = (await this.runs.findOne({ _id: runId })) as RunDoc | null;
    if (!doc) throw new UsageError(`no run ${runId}`);
    const pausedMs = (doc.pausedMs ?? 0) + (doc.pausedAt ? Math.max(0, Date.now() - Date.parse(doc.pausedAt)) : 0);
    await this.runs.update({ _id: runId }, { $set: { status: 'Running', pausedMs }, $unset: { pausedAt: true } });
    const { _id, pausedAt: _pausedAt, ...rest } = doc;
    return { ...rest, id: _id, status: 'Running', pausedMs };
  }

  /** Runs of a sync, newest first. */
  async runsOf(syncId: string): Promise<RunRecord[]> {
    const docs = (await this.runs.find({ syncId }).sort({ startedAt: -1 })) as RunDoc[];
    return docs.map(({ _id, ...rest }) => ({ ...rest, id: _id }));
  }

  async saveAccountRun(record: AccountRunRecord): Promise<void> {
    await (await this.accountRuns()).update({ runId: record.runId, account: record.account }, record, { upsert: true });
  }

  /** Marks a run that was going when its process died, and its unfinished accounts. */
  async markRunInterrupted(runId: string): Promise<void> {
    await this.runs.update({ _id: runId }, { $set: { status: 'Interrupted' } });
    await (
      await this.accountRuns()
    ).update({ runId, status: { $in: ['running', 'pending'] } }, { $set: { status: 'interrupted' } }, { multi: true });
  }

  async addHistory(entry: HistoryEntry): Promise<void> {
    await this.historyEntries.insert(entry);
  }

  /** Rewrites the newest entry of `type` of the sync (thread changes in quick succession make one). */
  async updateLatestHistory(
    syncId: string,
    type: HistoryEntry['type'],
    patch: { at: string; note: string },
  ): Promise<void> {
    const [latest] = (await this.historyEntries.find({ syncId, type }).sort({ at: -1 }).limit(1)) as (HistoryEntry & {
      _id: string;
    })[];
    if (latest) await this.historyEntries.update({ _id: latest._id }, { $set: patch });
    else await this.addHistory({ syncId, type, user: '', ...patch });
  }

  /** Newest first. */
  async historyOf(syncId: string): Promise<HistoryEntry[]> {
    const docs = (await this.historyEntries.find({ syncId }).sort({ at: -1 })) as (HistoryEntry & { _id: string })[];
    return docs.map(({ _id, ...entry }) => entry);
  }

  async accountRunsOf(runId: string): Promise<AccountRunRecord[]> {
    const docs = (await (await this.accountRuns()).find({ runId }).sort({ account: 1 })) as AccountRunDoc[];
    return docs.map(({ _id, ...rest }) => rest);
  }
}
