// Seed, read and compare mailboxes of a test Dovecot through IMAP (imapflow).
//
// Paths in this module always use '/' as the hierarchy separator; they are translated to the
// server's separator ('.' or '/') on the way in and normalized back on the way out.
import crypto from 'node:crypto';
import { ImapFlow, type ListResponse } from 'imapflow';
import type { Dovecot, TlsKind } from './dovecot.ts';

export interface ConnectOptions {
  /** Which listener to use (default plain, never upgrading to STARTTLS). */
  kind?: TlsKind;
  allowInvalidCert?: boolean;
  /** Log in as the instance's master user with this authorization identity (SASL PLAIN). */
  asMaster?: boolean;
}

function passwordOf(dovecot: Dovecot, user: string): string {
  const found = dovecot.users.find((u) => u.name.toLowerCase() === user.toLowerCase());
  if (!found) throw new Error(`No password given and ${user} is not a user of this test Dovecot`);
  return found.password;
}

/** Translates a '/'-separated test path to the server's separator. */
export function serverPath(dovecot: Pick<Dovecot, 'separator'>, path: string): string {
  return path.split('/').join(dovecot.separator);
}

/** A new, logged-in ImapFlow client (logger off, auto-IDLE off, 'error' listener attached). */
export async function connectAs(
  dovecot: Dovecot,
  user: string,
  password?: string,
  options: ConnectOptions = {},
): Promise<ImapFlow> {
  const kind = options.kind ?? 'plain';
  const endpoint = dovecot.endpoint(kind);
  let auth: { user: string; pass: string; authzid?: string; loginMethod?: string };
  if (options.asMaster) {
    if (!dovecot.masterUser) throw new Error('This test Dovecot has no master user');
    auth = {
      user: dovecot.masterUser.name,
      pass: dovecot.masterUser.password,
      authzid: user,
      loginMethod: 'AUTH=PLAIN',
    };
  } else {
    auth = { user, pass: password ?? passwordOf(dovecot, user) };
  }
  const client = new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: kind === 'tls',
    doSTARTTLS: kind === 'starttls',
    tls: { rejectUnauthorized: !(options.allowInvalidCert ?? true) },
    auth,
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
  client.on('error', () => {
    // surfaced through the failing command instead
  });
  await client.connect();
  return client;
}

async function withClient<T>(dovecot: Dovecot, user: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = await connectAs(dovecot, user);
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding

export interface SeedMessage {
  raw: string | Buffer;
  flags?: string[];
  internalDate?: Date;
}

export interface SeedFolder {
  /** '/'-separated path; 'INBOX' and 'INBOX/...' are the inbox. */
  path: string;
  messages?: SeedMessage[];
  /** Default true. */
  subscribed?: boolean;
}

/** Creates the folders (when missing) and appends the messages, in order. */
export async function seedMailbox(dovecot: Dovecot, user: string, folders: SeedFolder[]): Promise<void> {
  await withClient(dovecot, user, async (client) => {
    for (const folder of folders) {
      const target = serverPath(dovecot, folder.path);
      if (target.toUpperCase() !== 'INBOX') await client.mailboxCreate(target);
      if (folder.subscribed === false) await client.mailboxUnsubscribe(target);
      else await client.mailboxSubscribe(target);
      for (const message of folder.messages ?? []) {
        const result = await client.append(target, message.raw, message.flags ?? [], message.internalDate);
        if (!result) throw new Error(`APPEND to ${folder.path} returned nothing`);
      }
    }
  });
}

/** Appends one message; returns its UID. */
export async function appendRaw(
  dovecot: Dovecot,
  user: string,
  folder: string,
  raw: string | Buffer,
  flags: string[] = [],
  internalDate?: Date,
): Promise<number | undefined> {
  return withClient(dovecot, user, async (client) => {
    const result = await client.append(serverPath(dovecot, folder), raw, flags, internalDate);
    return result ? result.uid : undefined;
  });
}

/** Replaces the flags of one message. */
export async function setFlags(
  dovecot: Dovecot,
  user: string,
  folder: string,
  uid: number,
  flags: string[],
): Promise<void> {
  await withClient(dovecot, user, async (client) => {
    await client.mailboxOpen(serverPath(dovecot, folder));
    await client.messageFlagsSet(String(uid), flags, { uid: true });
  });
}

/** Expunges messages by UID. */
export async function deleteMessages(dovecot: Dovecot, user: string, folder: string, uids: number[]): Promise<void> {
  if (!uids.length) return;
  await withClient(dovecot, user, async (client) => {
    await client.mailboxOpen(serverPath(dovecot, folder));
    await client.messageDelete(uids.join(','), { uid: true });
  });
}

/** Creates a folder ('/'-separated path). */
export async function createFolder(dovecot: Dovecot, user: string, folder: string, subscribed = true): Promise<void> {
  await seedMailbox(dovecot, user, [{ path: folder, subscribed }]);
}

// ---------------------------------------------------------------------------------------------
// Messages

export interface MessageSpec {
  from?: string;
  to?: string;
  subject: string;
  body?: string;
  /** Default: derived from the other inputs; null: no Message-ID header at all. */
  messageId?: string | null;
  date?: Date;
  /** Pads the body with filler lines so the whole message has exactly this many bytes. */
  sizeBytes?: number;
  /** Adds a base64 application/octet-stream attachment of this many (decoded) bytes. */
  attachmentBytes?: number;
}

const DEFAULT_DATE = new Date('2024-01-15T10:00:00Z');

function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** Deterministic filler bytes (a hash chain) of any length. */
function fillerBytes(length: number, seed: string): Buffer {
  const out = Buffer.allocUnsafe(length);
  let block = crypto.createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < length; offset += block.length) {
    block.copy(out, offset, 0, Math.min(block.length, length - offset));
    block = crypto.createHash('sha256').update(block).digest();
  }
  return out;
}

/** Filler text lines (76 chars + CRLF) totalling exactly `length` bytes. */
function fillerText(length: number, seed: string): Buffer {
  if (length <= 0) return Buffer.alloc(0);
  // One 64 KiB pattern of lines, repeated: cheap even for 25 MB.
  const line = (i: number) =>
    `${seed.slice(0, 20).padEnd(20, '-')} ${String(i).padStart(8, '0')} ${'filler'.repeat(8)}`.slice(0, 76) + '\r\n';
  const pattern = Buffer.from(Array.from({ length: 840 }, (_, i) => line(i)).join(''), 'latin1');
  const out = Buffer.allocUnsafe(length);
  for (let offset = 0; offset < length; offset += pattern.length)
    pattern.copy(out, offset, 0, Math.min(pattern.length, length - offset));
  // Never end in the middle of a CRLF, and end the text with a line break when possible.
  if (length >= 2) out.write('\r\n', length - 2, 'latin1');
  else out.write('\n', 0, 'latin1');
  return out;
}

function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n') + '\r\n';
}

/** Raw message bytes (CRLF line ends), deterministic for the same spec. */
export function makeMessageBuffer(spec: MessageSpec): Buffer {
  const date = spec.date ?? DEFAULT_DATE;
  const seed = JSON.stringify([
    spec.from,
    spec.to,
    spec.subject,
    spec.body,
    spec.date?.toISOString(),
    spec.sizeBytes,
    spec.attachmentBytes,
  ]);
  const digest = crypto.createHash('sha256').update(seed).digest('hex');
  const messageId = spec.messageId === undefined ? `<${digest.slice(0, 24)}@imap-migrate.test>` : spec.messageId;
  const headers = [
    `From: ${encodeHeader(spec.from ?? 'Sender <sender@example.com>')}`,
    `To: ${encodeHeader(spec.to ?? 'Recipient <recipient@example.com>')}`,
    `Subject: ${encodeHeader(spec.subject)}`,
    `Date: ${rfc5322Date(date)}`,
    ...(messageId === null ? [] : [`Message-ID: ${messageId}`]),
    'MIME-Version: 1.0',
  ];
  const text = `${(spec.body ?? `This is the message "${spec.subject}".`).replace(/\r?\n/g, '\r\n')}\r\n`;
  let head: string;
  let tailPart = '';
  if (spec.attachmentBytes !== undefined) {
    const boundary = `----=_imap-migrate-${digest.slice(0, 16)}`;
    head = [
      ...headers,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      'This is a multi-part message in MIME format.',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      '',
    ].join('\r\n');
    tailPart = [
      '',
      `--${boundary}`,
      'Content-Type: application/octet-stream; name="attachment.bin"',
      'Content-Disposition: attachment; filename="attachment.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(fillerBytes(spec.attachmentBytes, digest)) + `--${boundary}--\r\n`,
    ].join('\r\n');
  } else {
    head = [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', ''].join(
      '\r\n',
    );
  }
  const fixed = Buffer.from(head + text, 'utf8');
  const tail = Buffer.from(tailPart, 'utf8');
  const padding = spec.sizeBytes !== undefined ? Math.max(0, spec.sizeBytes - fixed.length - tail.length) : 0;
  return Buffer.concat([fixed, fillerText(padding, digest), tail]);
}

/** Raw RFC 5322 message as a string (CRLF line ends), deterministic for the same spec. */
export function makeMessage(spec: MessageSpec): string {
  return makeMessageBuffer(spec).toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface MessageSnapshot {
  uid: number;
  sha256: string;
  size: number;
  /** Sorted, without \Recent. */
  flags: string[];
  /** ISO 8601. */
  internalDate: string;
  messageId?: string;
}

export interface FolderSnapshot {
  /** '/'-separated path. */
  path: string;
  /** The path as the server names it (its separator, decoded from modified UTF-7). */
  rawPath: string;
  /** Only when the server flags the folder (LIST), never guessed from the name. */
  specialUse?: string;
  subscribed: boolean;
  messages: MessageSnapshot[];
}

export interface MailboxSnapshot {
  folders: FolderSnapshot[];
}

const LARGE_MESSAGE_BYTES = 4 * 1024 * 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;

function normalizePath(entry: Pick<ListResponse, 'path' | 'delimiter'>): string {
  return entry.delimiter && entry.delimiter !== '/' ? entry.path.split(entry.delimiter).join('/') : entry.path;
}

/** Every selectable folder with every message (hash of the full raw source), sorted by path and UID. */
export async function readMailbox(dovecot: Dovecot, user: string): Promise<MailboxSnapshot> {
  return withClient(dovecot, user, async (client) => {
    const listing = await client.list();
    const folders: FolderSnapshot[] = [];
    for (const entry of listing) {
      if (entry.flags.has('\\Noselect') || entry.flags.has('\\NonExistent')) continue;
      const specialUse =
        entry.specialUseSource === 'extension' && entry.specialUse !== '\\Inbox' ? entry.specialUse : undefined;
      folders.push({
        path: normalizePath(entry),
        rawPath: entry.path,
        ...(specialUse ? { specialUse } : {}),
        subscribed: entry.subscribed === true,
        messages: await readFolder(client, entry.path),
      });
    }
    folders.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { folders };
  });
}

async function readFolder(client: ImapFlow, path: string): Promise<MessageSnapshot[]> {
  const mailbox = await client.mailboxOpen(path, { readOnly: true });
  if (!mailbox.exists) return [];
  const metas: (Omit<MessageSnapshot, 'sha256'> & { sha256?: string })[] = [];
  for await (const message of client.fetch('1:*', {
    uid: true,
    flags: true,
    size: true,
    internalDate: true,
    envelope: true,
  })) {
    const internal = message.internalDate instanceof Date ? message.internalDate : new Date(message.internalDate ?? 0);
    metas.push({
      uid: message.uid,
      size: message.size ?? 0,
      flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent').sort(),
      internalDate: internal.toISOString(),
      ...(message.envelope?.messageId ? { messageId: message.envelope.messageId } : {}),
    });
  }
  // Bodies: small ones in batches, large ones in chunks (never a command inside a fetch loop).
  const small = metas.filter((m) => m.size <= LARGE_MESSAGE_BYTES);
  const byUid = new Map(metas.map((m) => [m.uid, m]));
  for (let i = 0; i < small.length; i += 100) {
    const uids = small
      .slice(i, i + 100)
      .map((m) => m.uid)
      .join(',');
    for await (const message of client.fetch(uids, { uid: true, source: true }, { uid: true })) {
      const meta = byUid.get(message.uid);
      if (meta && message.source) meta.sha256 = sha256(message.source);
    }
  }
  for (const meta of metas.filter((m) => m.size > LARGE_MESSAGE_BYTES)) {
    const hash = crypto.createHash('sha256');
    for (let start = 0; start < meta.size; start += CHUNK_BYTES) {
      const part = await client.fetchOne(
        String(meta.uid),
        { source: { start, maxLength: CHUNK_BYTES } },
        { uid: true },
      );
      if (!part || !part.source) throw new Error(`Could not read UID ${meta.uid} in ${path} at ${start}`);
      hash.update(part.source);
    }
    meta.sha256 = hash.digest('hex');
  }
  return metas
    .map((m) => {
      if (!m.sha256) throw new Error(`No body for UID ${m.uid} in ${path}`);
      return {
        uid: m.uid,
        sha256: m.sha256,
        size: m.size,
        flags: m.flags,
        internalDate: m.internalDate,
        ...(m.messageId ? { messageId: m.messageId } : {}),
      };
    })
    .sort((a, b) => a.uid - b.uid);
}

export function sha256(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Comparing

export interface CompareOptions {
  /** Don't report folders that exist only on b and are empty (auto-created special folders). */
  ignoreEmptyExtraFolders?: boolean;
  ignoreFlags?: boolean;
  ignoreInternalDate?: boolean;
  /** Also report subscription differences (off by default). */
  checkSubscriptions?: boolean;
  /** Also report special-use differences (off by default). */
  checkSpecialUse?: boolean;
}

type ComparableMessage = Pick<MessageSnapshot, 'sha256' | 'size' | 'flags' | 'internalDate'> & { messageId?: string };
type ComparableFolder = Pick<FolderSnapshot, 'path'> &
  Partial<Pick<FolderSnapshot, 'specialUse' | 'subscribed'>> & { messages: ComparableMessage[] };

function describe(message: ComparableMessage): string {
  return `${message.messageId ?? '(no Message-ID)'} [${message.size} bytes, sha256 ${message.sha256.slice(0, 12)}]`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Human-readable differences from a to b; [] when b holds the same mail as a. */
export function compareMailboxes(
  a: { folders: ComparableFolder[] },
  b: { folders: ComparableFolder[] },
  options: CompareOptions = {},
): string[] {
  const out: string[] = [];
  const left = new Map(a.folders.map((f) => [f.path, f]));
  const right = new Map(b.folders.map((f) => [f.path, f]));
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  for (const path of paths) {
    const fa = left.get(path);
    const fb = right.get(path);
    if (!fb) {
      out.push(`folder "${path}" missing on b (${plural(fa!.messages.length, 'message')} on a)`);
      continue;
    }
    if (!fa) {
      if (!(options.ignoreEmptyExtraFolders && fb.messages.length === 0))
        out.push(`folder "${path}" only on b (${plural(fb.messages.length, 'message')})`);
      continue;
    }
    if (options.checkSubscriptions && fa.subscribed !== fb.subscribed)
      out.push(`folder "${path}": subscribed ${fa.subscribed} on a, ${fb.subscribed} on b`);
    if (options.checkSpecialUse && fa.specialUse !== fb.specialUse)
      out.push(`folder "${path}": special use ${fa.specialUse ?? 'none'} on a, ${fb.specialUse ?? 'none'} on b`);
    out.push(...compareFolder(path, fa.messages, fb.messages, options));
  }
  return out;
}

function compareFolder(
  path: string,
  a: ComparableMessage[],
  b: ComparableMessage[],
  options: CompareOptions,
): string[] {
  const out: string[] = [];
  const group = (list: ComparableMessage[]) => {
    const map = new Map<string, ComparableMessage[]>();
    for (const m of list) map.set(m.sha256, [...(map.get(m.sha256) ?? []), m]);
    return map;
  };
  const ga = group(a);
  const gb = group(b);
  const key = (m: ComparableMessage) =>
    `${options.ignoreFlags ? '' : m.flags.join(' ')}|${options.ignoreInternalDate ? '' : m.internalDate}`;
  for (const hash of [...new Set([...ga.keys(), ...gb.keys()])].sort()) {
    const la = [...(ga.get(hash) ?? [])].sort((x, y) => key(x).localeCompare(key(y)));
    const lb = [...(gb.get(hash) ?? [])].sort((x, y) => key(x).localeCompare(key(y)));
    const sample = (la[0] ?? lb[0])!;
    if (la.length > lb.length)
      out.push(`"${path}": missing on b: ${describe(sample)} (${la.length} on a, ${lb.length} on b)`);
    if (lb.length > la.length)
      out.push(`"${path}": extra on b: ${describe(sample)} (${la.length} on a, ${lb.length} on b)`);
    for (let i = 0; i < Math.min(la.length, lb.length); i += 1) {
      const ma = la[i];
      const mb = lb[i];
      if (!options.ignoreFlags && ma.flags.join(' ') !== mb.flags.join(' ')) {
        out.push(`"${path}": flags differ for ${describe(ma)}: a [${ma.flags.join(' ')}], b [${mb.flags.join(' ')}]`);
      }
      if (!options.ignoreInternalDate && ma.internalDate !== mb.internalDate) {
        out.push(`"${path}": internal date differs for ${describe(ma)}: a ${ma.internalDate}, b ${mb.internalDate}`);
      }
    }
  }
  return out;
}
