// One logged-in IMAP connection, with the few operations a sync needs, in the shapes the
// engine plans with. Wraps imapflow so no other layer sees its types or its traps: no command
// is ever issued inside a fetch() loop (batches are collected first), bigints become strings.
// Every operation goes through `attempt`, which turns any failure into an ImapError (docs/spec.md A2).
import type { ImapFlow, ListResponse } from 'imapflow';
import { classifyImapError, ImapError, openImap, type OpenOptions } from './connection.ts';
import { describeEndpoint, type LoginCredentials, type ServerEndpoint } from './endpoint.ts';
import { adoptFolderListing, binaryDisabled, execCommand, folderListing, utf8Accepted } from './flowInternals.ts';
import type { Naming } from './folderNames.ts';
import { encodeModifiedUtf7 } from './mutf7.ts';
import type {
  AppendItem,
  AppendResult,
  FetchedMessage,
  FolderCounts,
  FolderInfo,
  FolderStatus,
  MessageIdentityInfo,
  MessageSummary,
} from './types.ts';
import { appendResultsOf, headerHash, multiAppendAttributes, parseMessageId, summaryOf, uidSet } from './wire.ts';

// The engine imports these shapes from here.
export type { FolderCounts, FolderInfo, FolderStatus, MessageSummary } from './types.ts';

/** Counters of a LIST-STATUS or STATUS reply, when it brought all of them. */
function countsOf(status: ListResponse['status']): FolderCounts | undefined {
  if (!status || status.uidValidity === undefined || status.uidNext === undefined || status.messages === undefined)
    return undefined;
  return {
    uidValidity: status.uidValidity.toString(),
    uidNext: status.uidNext,
    messages: status.messages,
    highestModseq: status.highestModseq !== undefined ? status.highestModseq.toString() : undefined,
  };
}

export class ImapSession {
  private selected: string | null = null;
  /** The selected folder's state as its SELECT (or EXAMINE) reported it, and in which mode. */
  private selection: { readOnly: boolean; status: FolderStatus } | null = null;

  private constructor(
    private readonly client: ImapFlow,
    readonly endpoint: ServerEndpoint,
    private readonly credentials: LoginCredentials,
  ) {}

  static async open(
    endpoint: ServerEndpoint,
    credentials: LoginCredentials,
    options: OpenOptions = {},
  ): Promise<ImapSession> {
    const client = await openImap(endpoint, credentials, options);
    return new ImapSession(client, endpoint, credentials);
  }

  /**
   * Runs one operation; whatever it throws leaves as an ImapError with a stable code and a
   * one-line reason without the password (classifyImapError).
   */
  private async attempt<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw classifyImapError(error, this.endpoint, this.credentials);
    }
  }

  get usable(): boolean {
    return this.client.usable;
  }

  hasCapability(name: string): boolean {
    return this.client.capabilities.has(name.toUpperCase());
  }

  /** CONDSTORE (RFC 7162): HIGHESTMODSEQ and CHANGEDSINCE; imapflow enables it itself. */
  get condstore(): boolean {
    return this.hasCapability('CONDSTORE') || this.hasCapability('QRESYNC');
  }

  /** The personal namespace: its separator and prefix. */
  naming(folders: FolderInfo[]): Naming {
    const personal = this.client.namespace;
    const delimiter = personal?.delimiter ?? folders.find((f) => f.delimiter)?.delimiter ?? '/';
    return { delimiter, prefix: personal?.prefix ?? '' };
  }

  async listFolders(): Promise<FolderInfo[]> {
    // With CONDSTORE the counters of every folder come with the listing (one LIST-STATUS where
    // offered): enough to see that a folder has not changed without selecting it.
    const listed = await this.attempt(() =>
      this.condstore
        ? this.client.list({
            statusQuery: { messages: true, uidNext: true, uidValidity: true, highestModseq: true },
          })
        : this.client.list(),
    );
    // Only the personal namespace is migrated: shared and other users' folders belong to others.
    return listed
      .filter((entry) => entry.path.toUpperCase() === 'INBOX' || !this.isOtherNamespace(entry.path))
      .map((entry) => ({
        path: entry.path,
        delimiter: entry.delimiter,
        specialUse: entry.specialUse,
        specialUseReported: entry.specialUseSource === 'extension' || entry.specialUseSource === 'user',
        subscribed: Boolean(entry.subscribed),
        noSelect: [...entry.flags].some((flag) => /^\\(noselect|nonexistent)$/i.test(flag)),
        counts: countsOf(entry.status),
      }));
  }

  /**
   * What imapflow learned of the folders from this session's listing. Another session of the
   * same user takes it over (adoptListing), else imapflow sends a LIST before its first SELECT
   * of each folder: one round trip more per folder.
   */
  get listing(): ReadonlyMap<string, unknown> {
    return folderListing(this.client);
  }

  adoptListing(listing: ReadonlyMap<string, unknown>): void {
    adoptFolderListing(this.client, listing);
  }

  private isOtherNamespace(path: string): boolean {
    const spaces = this.client.namespaces;
    if (!spaces) return false;
    const others = [...(spaces.other || []), ...(spaces.shared || [])];
    return others.some((space) => space.prefix && path.startsWith(space.prefix));
  }

  /** Selects a folder (read-only on the source) and reports its state. */
  async select(path: string, readOnly: boolean): Promise<FolderStatus> {
    // A failed SELECT leaves no folder selected (RFC 3501 6.3.1).
    const box = await this.attempt(() => this.client.mailboxOpen(path, { readOnly })).catch((error: unknown) => {
      this.forgetSelection();
      throw error;
    });
    if (!box) {
      // imapflow answers nothing, rather than failing, on a connection that is no longer
      // logged in (the server said BYE): the connection is gone, and a new one may do.
      this.forgetSelection();
      throw new ImapError(
        'CONNECTION_LOST',
        `connection to ${describeEndpoint(this.endpoint)} lost: the server ended the session`,
        true,
      );
    }
    this.selected = path;
    const permanent = box.permanentFlags ? [...box.permanentFlags] : null;
    const anyKeyword = !permanent || permanent.includes('\\*');
    const status: FolderStatus = {
      uidValidity: box.uidValidity.toString(),
      uidNext: box.uidNext,
      exists: box.exists,
      highestModseq: box.highestModseq !== undefined ? box.highestModseq.toString() : undefined,
      permanentFlags: anyKeyword ? null : permanent,
      anyKeyword,
    };
    this.selection = { readOnly, status };
    return status;
  }

  /**
   * Selects a folder unless it is already selected in that mode: no round trip then. The status
   * is the one its SELECT reported; its UIDVALIDITY and permanent flags still hold (the counts
   * may have moved since, which is why the planner asks `select`).
   */
  async ensureSelected(path: string, readOnly: boolean): Promise<FolderStatus> {
    const mailbox = this.client.mailbox;
    if (
      this.selected === path &&
      this.selection &&
      this.selection.readOnly === readOnly &&
      mailbox &&
      mailbox.path === path
    ) {
      return this.selection.status;
    }
    return this.select(path, readOnly);
  }

  private forgetSelection(): void {
    this.selected = null;
    this.selection = null;
  }

  get selectedPath(): string | null {
    return this.selected;
  }

  /** UID, flags, size and INTERNALDATE of every message of the selected folder, in one FETCH. */
  async listMessages(exists: number): Promise<MessageSummary[]> {
    if (exists === 0) return [];
    const rows = await this.attempt(() =>
      this.client.fetchAll('1:*', { uid: true, flags: true, size: true, internalDate: true }),
    );
    return rows.map(summaryOf);
  }

  /**
   * Message-ID of each given message, and a hash of the whole header for those without one:
   * enough to recognize the same message on the other server without downloading bodies.
   */
  async identify(uids: number[]): Promise<MessageIdentityInfo[]> {
    if (uids.length === 0) return [];
    const rows = await this.attempt(() =>
      this.client.fetchAll(uidSet(uids), { uid: true, headers: ['message-id'] }, { uid: true }),
    );
    const result: MessageIdentityInfo[] = rows.map((row) => ({ uid: row.uid, messageId: parseMessageId(row.headers) }));
    const withoutId = result.filter((info) => !info.messageId).map((info) => info.uid);
    if (withoutId.length > 0) {
      const full = await this.attempt(() =>
        this.client.fetchAll(uidSet(withoutId), { uid: true, headers: true }, { uid: true }),
      );
      const hashes = new Map(full.map((row) => [row.uid, headerHash(row.headers)]));
      for (const info of result) if (!info.messageId) info.headerHash = hashes.get(info.uid);
    }
    return result;
  }

  /** The exact bytes of the given messages of the selected folder, in one FETCH. */
  async fetchSources(uids: number[]): Promise<FetchedMessage[]> {
    if (uids.length === 0) return [];
    const rows = await this.attempt(() =>
      this.client.fetchAll(uidSet(uids), { uid: true, source: true }, { uid: true }),
    );
    return rows.filter((row) => row.source).map((row) => ({ uid: row.uid, source: row.source as Buffer }));
  }

  async append(path: string, source: Buffer, flags: string[], internalDate: number): Promise<AppendResult> {
    const result = await this.attempt(() => this.client.append(path, source, flags, new Date(internalDate)));
    if (!result) throw new ImapError('PROTOCOL_ERROR', `APPEND to ${path} was refused`, false);
    return { uid: result.uid, uidValidity: result.uidValidity?.toString() };
  }

  /** Whether several messages can go in one APPEND (RFC 3502 MULTIAPPEND). */
  get canMultiAppend(): boolean {
    return this.hasCapability('MULTIAPPEND');
  }

  /**
   * Appends several messages in one MULTIAPPEND command: one round trip (with LITERAL+) and one
   * transaction on the server, which stores all of them or none. Returns each message's UID in
   * order when the server reports APPENDUID (UIDPLUS), else results without UIDs.
   */
  async appendMany(path: string, items: AppendItem[]): Promise<AppendResult[]> {
    if (items.length === 1 || !this.canMultiAppend) {
      const results: AppendResult[] = [];
      for (const item of items) results.push(await this.append(path, item.source, item.flags, item.internalDate));
      return results;
    }
    const binary = this.hasCapability('BINARY') && !binaryDisabled(this.client);
    const attributes = multiAppendAttributes(this.encodedPath(path), items, binary);
    const section = await this.attempt(() => execCommand(this.client, 'APPEND', attributes));
    return appendResultsOf(section, items.length);
  }

  /** The path as sent on the wire (modified UTF-7 where the server wants it). */
  private encodedPath(path: string): string {
    return utf8Accepted(this.client) ? path : encodeModifiedUtf7(path);
  }

  /** Replaces the flags of the given messages of the selected folder (one STORE per distinct flag set). */
  async setFlags(uids: number[], flags: string[]): Promise<void> {
    if (uids.length === 0) return;
    await this.attempt(() => this.client.messageFlagsSet(uidSet(uids), flags, { uid: true, silent: true } as never));
  }

  /**
   * Deletes exactly the given messages of the selected folder: only with UID EXPUNGE (UIDPLUS),
   * since a plain EXPUNGE would also remove copies the source has flagged \Deleted.
   */
  async deleteMessages(uids: number[]): Promise<void> {
    if (uids.length === 0) return;
    if (!this.hasCapability('UIDPLUS')) {
      throw new ImapError(
        'PROTOCOL_ERROR',
        `${this.endpoint.host} lacks UIDPLUS: cannot delete single messages safely`,
        false,
      );
    }
    await this.attempt(() => this.client.messageDelete(uidSet(uids), { uid: true }));
  }

  /** A folder's counters without selecting it (one STATUS). */
  async folderCounts(path: string): Promise<FolderCounts> {
    const status = await this.attempt(() =>
      this.client.status(path, { messages: true, uidNext: true, uidValidity: true, highestModseq: this.condstore }),
    );
    if (!status) throw new ImapError('PROTOCOL_ERROR', `STATUS ${path} gave nothing`, false);
    return {
      uidValidity: String(status.uidValidity ?? ''),
      uidNext: status.uidNext ?? 0,
      messages: status.messages ?? 0,
      highestModseq: status.highestModseq !== undefined ? status.highestModseq.toString() : undefined,
    };
  }

  /** Messages of the selected folder whose MODSEQ is above `modseq` (flags changed, or new), in one FETCH. */
  async listChangedSince(modseq: string): Promise<MessageSummary[]> {
    const rows = await this.attempt(() =>
      this.client.fetchAll(
        '1:*',
        { uid: true, flags: true, size: true, internalDate: true },
        { changedSince: BigInt(modseq) },
      ),
    );
    return rows.map(summaryOf);
  }

  /** Messages in a folder, without selecting it (STATUS). */
  async messageCount(path: string): Promise<number> {
    const status = await this.attempt(() => this.client.status(path, { messages: true }));
    return status ? (status.messages ?? 0) : 0;
  }

  /** Creates a folder; imapflow subscribes new folders, so an unsubscribed one is unsubscribed again. */
  async createFolder(path: string, subscribed: boolean): Promise<void> {
    await this.attempt(async () => {
      await this.client.mailboxCreate(path);
      if (!subscribed) await this.client.mailboxUnsubscribe(path);
    });
  }

  async deleteFolder(path: string): Promise<void> {
    await this.attempt(async () => {
      if (this.selected === path) {
        await this.client.mailboxClose();
        this.forgetSelection();
      }
      await this.client.mailboxDelete(path);
    });
  }

  async subscribe(path: string): Promise<void> {
    await this.attempt(() => this.client.mailboxSubscribe(path));
  }

  async close(): Promise<void> {
    if (this.client.usable) {
      // At most 2 s for a polite LOGOUT; the timer must not keep the process alive after that.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.client.logout().catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, 2000);
        }),
      ]);
      clearTimeout(timer);
    }
    this.client.close();
  }
}
