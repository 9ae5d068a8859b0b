// One logged-in IMAP connection, with the few operations a sync needs, in the shapes the
// engine plans with. Wraps imapflow so no other layer sees its types or its traps: no command
// is ever issued inside a fetch() loop (batches are collected first), bigints become strings.
import type { ImapFlow, ListResponse, MailboxObject } from 'imapflow';
import { createHash } from 'node:crypto';
import { classifyImapError, ImapError, openImap, type OpenOptions } from './connection.ts';
import { describeEndpoint, type LoginCredentials, type ServerEndpoint } from './endpoint.ts';
import type { Naming } from './folderNames.ts';
import { encodeModifiedUtf7 } from './mutf7.ts';

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

/** What imapflow's (untyped) exec() resolves with. */
interface ExecResult {
  response: { attributes?: { section?: { value?: unknown }[] }[] };
  next: () => void;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An IMAP date-time in UTC ("05-Mar-2024 10:00:00 +0000"): the instant is what is kept. */
export function imapDateTime(ms: number): string {
  const date = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/** Expands an APPENDUID/COPYUID uid-set ("5:7,9") into the UIDs in order. */
export function expandUidSet(set: string): number[] | undefined {
  const out: number[] = [];
  for (const part of set.split(',')) {
    const m = /^(\d+)(?::(\d+))?$/.exec(part);
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const step = a <= b ? 1 : -1;
    for (let uid = a; ; uid += step) {
      out.push(uid);
      if (uid === b) break;
    }
  }
  return out;
}

function normalizeFlags(flags: Set<string> | undefined): string[] {
  if (!flags) return [];
  return [...flags].filter((flag) => flag.toLowerCase() !== '\\recent').sort();
}

function summaryOf(row: {
  uid: number;
  flags?: Set<string>;
  size?: number;
  internalDate?: Date | string;
}): MessageSummary {
  return {
    uid: row.uid,
    flags: normalizeFlags(row.flags),
    size: row.size ?? 0,
    internalDate: row.internalDate ? new Date(row.internalDate).getTime() : 0,
  };
}

/** Compresses sorted UIDs into an IMAP sequence set ("1:5,9,12:14"). */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = sorted[0];
  let previous = sorted[0];
  for (let i = 1; i <= sorted.length; i++) {
    const uid = sorted[i];
    if (uid === previous + 1) {
      previous = uid;
      continue;
    }
    ranges.push(start === previous ? String(start) : `${start}:${previous}`);
    start = uid;
    previous = uid;
  }
  return ranges.join(',');
}

function parseMessageId(headers: Buffer | undefined): string | undefined {
  if (!headers) return undefined;
  const text = headers.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const match = /^message-id:\s*(.*)$/im.exec(text);
  const value = match?.[1]?.trim();
  return value ? value : undefined;
}

export class ImapSession {
  private selected: string | null = null;
  /** The selected folder's state as its SELECT (or EXAMINE) reported it, and in which mode. */
  private selection: { readOnly: boolean; status: FolderStatus } | null = null;

  private constructor(
    readonly client: ImapFlow,
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

  private fail(error: unknown): never {
    throw classifyImapError(error, this.endpoint, this.credentials);
  }

  async listFolders(): Promise<FolderInfo[]> {
    let listed: ListResponse[];
    try {
      // With CONDSTORE the counters of every folder come with the listing (one LIST-STATUS where
      // offered): enough to see that a folder has not changed without selecting it.
      listed = this.condstore
        ? await this.client.list({
            statusQuery: { messages: true, uidNext: true, uidValidity: true, highestModseq: true },
          })
        : await this.client.list();
    } catch (error) {
      this.fail(error);
    }
    const countsOf = (entry: ListResponse): FolderCounts | undefined => {
      const status = entry.status;
      if (!status || status.uidValidity === undefined || status.uidNext === undefined || status.messages === undefined)
        return undefined;
      return {
        uidValidity: status.uidValidity.toString(),
        uidNext: status.uidNext,
        messages: status.messages,
        highestModseq: status.highestModseq !== undefined ? status.highestModseq.toString() : undefined,
      };
    };
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
        counts: countsOf(entry),
      }));
  }

  /**
   * What imapflow learned of the folders from this session's listing. Another session of the
   * same user takes it over (adoptListing), else imapflow sends a LIST before its first SELECT
   * of each folder: one round trip more per folder.
   */
  get listing(): ReadonlyMap<string, unknown> {
    return (this.client as unknown as { folders: Map<string, unknown> }).folders;
  }

  adoptListing(listing: ReadonlyMap<string, unknown>): void {
    const folders = (this.client as unknown as { folders: Map<string, unknown> }).folders;
    for (const [path, entry] of listing) if (!folders.has(path)) folders.set(path, entry);
  }

  private isOtherNamespace(path: string): boolean {
    const spaces = this.client.namespaces;
    if (!spaces) return false;
    const others = [...(spaces.other || []), ...(spaces.shared || [])];
    return others.some((space) => space.prefix && path.startsWith(space.prefix));
  }

  /** Selects a folder (read-only on the source) and reports its state. */
  async select(path: string, readOnly: boolean): Promise<FolderStatus> {
    let box: MailboxObject;
    try {
      box = await this.client.mailboxOpen(path, { readOnly });
    } catch (error) {
      this.selected = null;
      this.selection = null;
      this.fail(error);
    }
    if (!box) {
      // imapflow answers nothing, rather than failing, on a connection that is no longer
      // logged in (the server said BYE): the connection is gone, and a new one may do.
      this.selected = null;
      this.selection = null;
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

  get selectedPath(): string | null {
    return this.selected;
  }

  /** UID, flags, size and INTERNALDATE of every message of the selected folder, in one FETCH. */
  async listMessages(exists: number): Promise<MessageSummary[]> {
    if (exists === 0) return [];
    try {
      const rows = await this.client.fetchAll('1:*', { uid: true, flags: true, size: true, internalDate: true });
      return rows.map(summaryOf);
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Message-ID of each given message, and a hash of the whole header for those without one:
   * enough to recognize the same message on the other server without downloading bodies.
   */
  async identify(uids: number[]): Promise<MessageIdentityInfo[]> {
    if (uids.length === 0) return [];
    try {
      const rows = await this.client.fetchAll(uidSet(uids), { uid: true, headers: ['message-id'] }, { uid: true });
      const result: MessageIdentityInfo[] = rows.map((row) => ({
        uid: row.uid,
        messageId: parseMessageId(row.headers),
      }));
      const withoutId = result.filter((info) => !info.messageId).map((info) => info.uid);
      if (withoutId.length > 0) {
        const full = await this.client.fetchAll(uidSet(withoutId), { uid: true, headers: true }, { uid: true });
        const hashes = new Map(
          full.map((row) => [
            row.uid,
            createHash('sha256')
              .update(row.headers ?? Buffer.alloc(0))
              .digest('hex'),
          ]),
        );
        for (const info of result) if (!info.messageId) info.headerHash = hashes.get(info.uid);
      }
      return result;
    } catch (error) {
      this.fail(error);
    }
  }

  /** The exact bytes of the given messages of the selected folder, in one FETCH. */
  async fetchSources(uids: number[]): Promise<FetchedMessage[]> {
    if (uids.length === 0) return [];
    try {
      const rows = await this.client.fetchAll(uidSet(uids), { uid: true, source: true }, { uid: true });
      return rows.filter((row) => row.source).map((row) => ({ uid: row.uid, source: row.source as Buffer }));
    } catch (error) {
      this.fail(error);
    }
  }

  async append(path: string, source: Buffer, flags: string[], internalDate: number): Promise<AppendResult> {
    try {
      const result = await this.client.append(path, source, flags, new Date(internalDate));
      if (!result) throw new ImapError('PROTOCOL_ERROR', `APPEND to ${path} was refused`, false);
      return { uid: result.uid, uidValidity: result.uidValidity?.toString() };
    } catch (error) {
      this.fail(error);
    }
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
    const client = this.client as unknown as {
      exec(command: string, attributes: unknown[], options?: unknown): Promise<ExecResult>;
      disableBinary?: boolean;
    };
    const binary = this.hasCapability('BINARY') && !client.disableBinary;
    const attributes: unknown[] = [{ type: 'ATOM', value: this.encodedPath(path) }];
    for (const item of items) {
      attributes.push(
        item.flags.map((flag) => ({ type: 'ATOM', value: flag })),
        { type: 'STRING', value: imapDateTime(item.internalDate) },
        { type: 'LITERAL', value: item.source, isLiteral8: binary && item.source.indexOf(0) >= 0 },
      );
    }
    let result: ExecResult;
    try {
      result = await client.exec('APPEND', attributes);
    } catch (error) {
      this.fail(error);
    }
    const section = result.response.attributes?.[0]?.section;
    result.next();
    let uids: number[] | undefined;
    let uidValidity: string | undefined;
    if (section && String(section[0]?.value ?? '').toUpperCase() === 'APPENDUID') {
      uidValidity = String(section[1]?.value ?? '') || undefined;
      uids = expandUidSet(String(section[2]?.value ?? ''));
    }
    if (!uids || uids.length !== items.length) return items.map(() => ({}));
    return uids.map((uid) => ({ uid, uidValidity }));
  }

  /** The path as sent on the wire (modified UTF-7 where the server wants it). */
  private encodedPath(path: string): string {
    const enabled = (this.client as unknown as { enabled?: Set<string> }).enabled;
    return enabled?.has('UTF8=ACCEPT') ? path : encodeModifiedUtf7(path);
  }

  /** Replaces the flags of the given messages of the selected folder (one STORE per distinct flag set). */
  async setFlags(uids: number[], flags: string[]): Promise<void> {
    if (uids.length === 0) return;
    try {
      await this.client.messageFlagsSet(uidSet(uids), flags, { uid: true, silent: true } as never);
    } catch (error) {
      this.fail(error);
    }
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
    try {
      await this.client.messageDelete(uidSet(uids), { uid: true });
    } catch (error) {
      this.fail(error);
    }
  }

  /** A folder's counters without selecting it (one STATUS). */
  async folderCounts(path: string): Promise<FolderCounts> {
    try {
      const status = await this.client.status(path, {
        messages: true,
        uidNext: true,
        uidValidity: true,
        highestModseq: this.condstore,
      });
      if (!status) throw new ImapError('PROTOCOL_ERROR', `STATUS ${path} gave nothing`, false);
      return {
        uidValidity: String(status.uidValidity ?? ''),
        uidNext: status.uidNext ?? 0,
        messages: status.messages ?? 0,
        highestModseq: status.highestModseq !== undefined ? status.highestModseq.toString() : undefined,
      };
    } catch (error) {
      this.fail(error);
    }
  }

  /** Messages of the selected folder whose MODSEQ is above `modseq` (flags changed, or new), in one FETCH. */
  async listChangedSince(modseq: string): Promise<MessageSummary[]> {
    try {
      const rows = await this.client.fetchAll(
        '1:*',
        { uid: true, flags: true, size: true, internalDate: true },
        { changedSince: BigInt(modseq) },
      );
      return rows.map(summaryOf);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Messages in a folder, without selecting it (STATUS). */
  async messageCount(path: string): Promise<number> {
    try {
      const status = await this.client.status(path, { messages: true });
      return status ? (status.messages ?? 0) : 0;
    } catch (error) {
      this.fail(error);
    }
  }

  /** Creates a folder; imapflow subscribes new folders, so an unsubscribed one is unsubscribed again. */
  async createFolder(path: string, subscribed: boolean): Promise<void> {
    try {
      await this.client.mailboxCreate(path);
      if (!subscribed) await this.client.mailboxUnsubscribe(path);
    } catch (error) {
      this.fail(error);
    }
  }

  async deleteFolder(path: string): Promise<void> {
    try {
      if (this.selected === path) {
        await this.client.mailboxClose();
        this.selected = null;
        this.selection = null;
      }
      await this.client.mailboxDelete(path);
    } catch (error) {
      this.fail(error);
    }
  }

  async subscribe(path: string): Promise<void> {
    try {
      await this.client.mailboxSubscribe(path);
    } catch (error) {
      this.fail(error);
    }
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
