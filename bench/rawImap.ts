// A deliberately small raw IMAP client for the bench's own chores, independent of the engine
// under test: seeding with pipelined MULTIAPPEND (LITERAL+), and reading every message back
// as a stream of hashes (bodies are never held whole). Dovecot's output only.
import crypto from 'node:crypto';
import net from 'node:net';

export function encodeMutf7(name: string): string {
  let out = '';
  let run = '';
  const flush = () => {
    if (!run) return;
    const utf16 = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) utf16.writeUInt16BE(run.charCodeAt(i), i * 2);
    out += '&' + utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    run = '';
  };
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else {
      run += ch;
    }
  }
  flush();
  return out;
}

export function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export function imapDate(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/** A FETCH (or any) response: its text with each literal replaced by "{#n}", and the literals' hashes and sizes. */
export interface RawResponse {
  text: string;
  literals: { sha256: string; size: number; data?: Buffer }[];
}

interface Pending {
  tag: string;
  resolve: (tagged: string) => void;
  reject: (error: Error) => void;
  onUntagged?: (response: RawResponse) => void;
}

export class RawImap {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private literalLeft = 0;
  private literalHash: crypto.Hash | undefined;
  private literalKeep: Buffer[] | undefined;
  private literalSize = 0;
  private current: RawResponse = { text: '', literals: [] };
  private queue: Pending[] = [];
  private tagCounter = 0;
  private greeting!: Promise<void>;
  private closed = false;

  private constructor(private readonly socket: net.Socket) {}

  static async connect(host: string, port: number): Promise<RawImap> {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const client = new RawImap(socket);
    client.greeting = new Promise((resolve, reject) => {
      client.queue.push({ tag: '*greeting*', resolve: () => resolve(), reject });
    });
    socket.on('data', (chunk: Buffer) => client.onData(chunk));
    socket.on('error', (error) => client.fail(error));
    socket.on('close', () => client.fail(new Error('connection closed')));
    await client.greeting;
    return client;
  }

  private fail(error: Error): void {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - offset);
        const part = chunk.subarray(offset, offset + take);
        this.literalHash!.update(part);
        this.literalKeep?.push(Buffer.from(part));
        this.literalLeft -= take;
        offset += take;
        if (this.literalLeft === 0) {
          this.current.literals.push({
            sha256: this.literalHash!.digest('hex'),
            size: this.literalSize,
            data: this.literalKeep ? Buffer.concat(this.literalKeep) : undefined,
          });
          this.current.text += `{#${this.current.literals.length - 1}}`;
          this.literalHash = undefined;
          this.literalKeep = undefined;
        }
        continue;
      }
      const newline = chunk.indexOf(10, offset);
      if (newline < 0) {
        this.chunks.push(chunk.subarray(offset));
        this.buffered += chunk.length - offset;
        return;
      }
      const piece = chunk.subarray(offset, newline + 1);
      offset = newline + 1;
      const line = (this.buffered ? Buffer.concat([...this.chunks, piece]) : piece).toString('utf8');
      this.chunks = [];
      this.buffered = 0;
      const body = line.replace(/\r?\n$/, '');
      const literal = /\{(\d+)\}$/.exec(body);
      if (literal) {
        this.current.text += body.slice(0, literal.index);
        this.literalSize = Number(literal[1]);
        this.literalLeft = this.literalSize;
        this.literalHash = crypto.createHash('sha256');
        this.literalKeep = this.literalSize <= 4096 ? [] : undefined;
        if (this.literalLeft === 0) {
          this.current.literals.push({
            sha256: crypto.createHash('sha256').digest('hex'),
            size: 0,
            data: Buffer.alloc(0),
          });
          this.current.text += `{#${this.current.literals.length - 1}}`;
          this.literalHash = undefined;
        }
        continue;
      }
      this.current.text += body;
      const response = this.current;
      this.current = { text: '', literals: [] };
      this.dispatch(response);
    }
  }

  private dispatch(response: RawResponse): void {
    const head = this.queue[0];
    if (!head) return;
    if (head.tag === '*greeting*') {
      this.queue.shift();
      head.resolve(response.text);
      return;
    }
    if (response.text.startsWith('* ') || response.text.startsWith('+')) {
      if (response.text.startsWith('* ')) head.onUntagged?.(response);
      return;
    }
    const space = response.text.indexOf(' ');
    const tag = response.text.slice(0, space);
    const index = this.queue.findIndex((p) => p.tag === tag);
    if (index < 0) return;
    const [pending] = this.queue.splice(index, 1);
    if (/^\S+ OK/i.test(response.text)) pending.resolve(response.text);
    else pending.reject(new Error(response.text));
  }

  /** Sends a command (parts are written as they are: use non-synchronizing literals). */
  command(parts: (string | Buffer)[] | string, onUntagged?: (response: RawResponse) => void): Promise<string> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const tag = `b${++this.tagCounter}`;
    const list = typeof parts === 'string' ? [parts] : parts;
    return new Promise((resolve, reject) => {
      this.queue.push({ tag, resolve, reject, onUntagged });
      this.socket.write(`${tag} `);
      for (const part of list) this.socket.write(part);
      this.socket.write('\r\n');
    });
  }

  async login(user: string, password: string): Promise<void> {
    await this.command(`LOGIN ${quoted(user)} ${quoted(password)}`);
  }

  /** MULTIAPPEND with LITERAL+: one command, one round trip, one transaction for all. */
  async multiAppend(mailbox: string, messages: { raw: Buffer; flags: string[]; internalDate: Date }[]): Promise<void> {
    const parts: (string | Buffer)[] = [`APPEND ${quoted(mailbox)}`];
    for (const message of messages) {
      parts.push(
        ` (${message.flags.join(' ')}) "${imapDate(message.internalDate)}" {${message.raw.length}+}\r\n`,
        message.raw,
      );
    }
    await this.command(parts);
  }

  async close(): Promise<void> {
    if (!this.closed) await this.command('LOGOUT').catch(() => undefined);
    this.socket.destroy();
  }
}

export interface MessageFingerprint {
  uid: number;
  sha256: string;
  size: number;
  flags: string[];
  internalDate: string;
}

/** UID, flags, INTERNALDATE and the hash of the raw bytes of every message of one folder. */
export async function fingerprintFolder(client: RawImap, mailboxAsListed: string): Promise<MessageFingerprint[]> {
  const out: MessageFingerprint[] = [];
  let exists = 0;
  await client.command(`EXAMINE ${quoted(mailboxAsListed)}`, (response) => {
    const m = /^\* (\d+) EXISTS/i.exec(response.text);
    if (m) exists = Number(m[1]);
  });
  if (exists === 0) return out;
  await client.command('UID FETCH 1:* (UID FLAGS INTERNALDATE BODY.PEEK[])', (response) => {
    if (!/^\* \d+ FETCH/i.test(response.text)) return;
    const uid = Number(/UID (\d+)/i.exec(response.text)?.[1]);
    const flags = (/FLAGS \(([^)]*)\)/i.exec(response.text)?.[1] ?? '')
      .split(' ')
      .filter((f) => f && f.toLowerCase() !== '\\recent')
      .sort();
    const internalDate = /INTERNALDATE "([^"]+)"/i.exec(response.text)?.[1] ?? '';
    const literal = response.literals[0];
    if (!literal) throw new Error(`no body for UID ${uid} in ${mailboxAsListed}`);
    out.push({ uid, sha256: literal.sha256, size: literal.size, flags, internalDate: parseImapDate(internalDate) });
  });
  return out;
}

/** "01-Jan-2020 10:00:00 +0100" (day possibly space-padded) to ISO 8601 UTC. */
export function parseImapDate(text: string): string {
  const m = /^\s?(\d{1,2})-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(text.trim());
  if (!m) return text;
  const utc = Date.UTC(Number(m[3]), MONTHS.indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offset = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === '+' ? 1 : -1);
  return new Date(utc - offset).toISOString();
}
