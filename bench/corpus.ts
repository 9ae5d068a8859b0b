// The bench's deterministic corpus: the same seed gives the same accounts, folders, bytes,
// flags and dates on every machine. Bodies come from an AES-CTR keystream (fast, seeded) so
// that 565 MB of mail is generated in a few seconds.
import crypto from 'node:crypto';

export interface Profile {
  name: string;
  accounts: number;
  messagesPerAccount: number;
  /** Share of messages with a 100 KB – 2 MB attachment. */
  attachmentShare: number;
  /** Messages of about hugeBytes (in the first account, or in each with hugeInEveryAccount). */
  hugeMessages: number;
  hugeInEveryAccount?: boolean;
  /** Bytes of each huge message. */
  hugeBytes: number;
}

export const PROFILES: Record<string, Profile> = {
  small: { name: 'small', accounts: 4, messagesPerAccount: 500, attachmentShare: 0.03, hugeMessages: 0, hugeBytes: 0 },
  medium: {
    name: 'medium',
    accounts: 10,
    messagesPerAccount: 2000,
    attachmentShare: 0.03,
    hugeMessages: 2,
    hugeBytes: 10 * 1024 * 1024,
  },
  // Memory check: 25 MB messages, run with 16 threads.
  big: {
    name: 'big',
    accounts: 16,
    messagesPerAccount: 60,
    attachmentShare: 0.03,
    hugeMessages: 1,
    hugeBytes: 25 * 1024 * 1024,
    hugeInEveryAccount: true,
  },
};

/** Folders of every account ('/'-separated), with the share of messages each gets. */
export const FOLDERS: { path: string; weight: number }[] = [
  { path: 'INBOX', weight: 40 },
  { path: 'INBOX/Receipts', weight: 5 },
  { path: 'Sent', weight: 15 },
  { path: 'Drafts', weight: 1 },
  { path: 'Archive/2023', weight: 12 },
  { path: 'Archive/2024', weight: 12 },
  { path: 'Projets/Été 2025', weight: 6 },
  { path: '日本語/メール', weight: 4 },
  { path: 'Lists/dev/nested deep', weight: 5 },
];

export interface BenchUser {
  name: string;
  password: string;
}

export function benchUsers(profile: Profile): BenchUser[] {
  return Array.from({ length: profile.accounts }, (_, i) => ({
    name: `user${String(i + 1).padStart(2, '0')}@bench.test`,
    password: `pw-${i + 1}-bench`,
  }));
}

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function keystream(seed: string, length: number): Buffer {
  const key = crypto.createHash('sha256').update(seed).digest();
  const cipher = crypto.createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return cipher.update(Buffer.alloc(length));
}

export interface CorpusMessage {
  folder: string;
  raw: Buffer;
  flags: string[];
  internalDate: Date;
}

const KEYWORDS = ['$Label1', '$Important', 'NonJunk', 'Projekt', '$Forwarded'];

function pickFolder(random: () => number): string {
  const total = FOLDERS.reduce((sum, f) => sum + f.weight, 0);
  let r = random() * total;
  for (const folder of FOLDERS) {
    r -= folder.weight;
    if (r < 0) return folder.path;
  }
  return 'INBOX';
}

function pickFlags(random: () => number, folder: string): string[] {
  const flags: string[] = [];
  if (random() < 0.7 || folder === 'Sent') flags.push('\\Seen');
  if (random() < 0.1) flags.push('\\Answered');
  if (random() < 0.05) flags.push('\\Flagged');
  if (folder === 'Drafts') flags.push('\\Draft');
  if (random() < 0.005) flags.push('\\Deleted');
  if (random() < 0.08) flags.push(KEYWORDS[Math.floor(random() * KEYWORDS.length)]);
  if (random() < 0.02) flags.push(KEYWORDS[Math.floor(random() * KEYWORDS.length)]);
  return [...new Set(flags)].sort();
}

function b64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n') + '\r\n';
}

function textLines(data: Buffer, length: number): string {
  // Printable text of exactly `length` bytes in lines of at most 78 + CRLF.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz      ABCDEFGHIJ.,';
  let out = '';
  let col = 0;
  for (let i = 0; out.length < length; i++) {
    if (col >= 76 || out.length >= length - 2) {
      out += '\r\n';
      col = 0;
      continue;
    }
    out += alphabet[data[i % data.length] % alphabet.length];
    col += 1;
  }
  return out.slice(0, length);
}

export interface MessageInput {
  seed: string;
  subject: string;
  from: string;
  to: string;
  date: Date;
  messageId: string | null;
  /** Bytes of the whole message (approximate when there is an attachment). */
  size: number;
  attachmentBytes: number;
}

export function buildMessage(input: MessageInput): Buffer {
  const headers = [
    'Return-Path: <' + input.from.replace(/.*</, '').replace(/>.*/, '') + '>',
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${/^[\x20-\x7e]*$/.test(input.subject) ? input.subject : `=?UTF-8?B?${Buffer.from(input.subject).toString('base64')}?=`}`,
    `Date: ${input.date.toUTCString().replace(/GMT$/, '+0000')}`,
    ...(input.messageId ? [`Message-ID: ${input.messageId}`] : []),
    'MIME-Version: 1.0',
  ];
  const random = keystream(input.seed, Math.max(64, Math.min(input.size, 65536)));
  if (input.attachmentBytes > 0) {
    const boundary = `=_bench_${crypto.createHash('sha1').update(input.seed).digest('hex').slice(0, 16)}`;
    const text = textLines(random, 600) + '\r\n';
    const attachment = b64Lines(keystream(input.seed + '/att', input.attachmentBytes));
    return Buffer.from(
      [
        ...headers,
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        `--${boundary}`,
        'Content-Type: application/octet-stream; name="file.bin"',
        'Content-Disposition: attachment; filename="file.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        attachment + `--${boundary}--`,
        '',
      ].join('\r\n'),
      'latin1',
    );
  }
  const head = Buffer.from([...headers, 'Content-Type: text/plain; charset=utf-8', '', ''].join('\r\n'), 'utf8');
  const bodyLength = Math.max(20, input.size - head.length);
  return Buffer.concat([head, Buffer.from(textLines(random, bodyLength - 2) + '\r\n', 'latin1')]);
}

/** The messages of one account, folder by folder, deterministic for (profile, account index). */
export function* accountMessages(profile: Profile, index: number, generation = 0): Generator<CorpusMessage> {
  const random = rng(0x5eed + index * 7919 + generation * 104729);
  const user = benchUsers(profile)[index];
  const count =
    generation === 0 ? profile.messagesPerAccount : Math.max(1, Math.round(profile.messagesPerAccount * 0.01));
  let previous: CorpusMessage | undefined;
  for (let i = 0; i < count; i++) {
    // Exact duplicates: about 0.5 % of messages are the previous one again, same folder.
    if (previous && random() < 0.005) {
      yield { ...previous };
      continue;
    }
    const folder = pickFolder(random);
    let size = Math.round(6000 * Math.exp(0.8 * gaussian(random)));
    size = Math.min(Math.max(size, 700), 300_000);
    let attachmentBytes = 0;
    if (random() < profile.attachmentShare) {
      // 100 KB – 2 MB on the wire (log-uniform): decoded bytes are 3/4 of the base64.
      attachmentBytes = Math.round((100_000 * Math.exp(random() * Math.log(20)) * 3) / 4);
    }
    if (generation === 0 && (index === 0 || profile.hugeInEveryAccount) && i < profile.hugeMessages)
      attachmentBytes = Math.round((profile.hugeBytes * 3) / 4);
    const date = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 5 * 365 * 86400) * 1000);
    const seed = `${profile.name}/${index}/${generation}/${i}`;
    const raw = buildMessage({
      seed,
      subject:
        random() < 0.1 ? `Réunion ${i} — prochaine étape` : `Message ${i} about item ${Math.floor(random() * 1e6)}`,
      from: `Sender ${i % 37} <sender${i % 37}@example.org>`,
      to: `${user.name}`,
      date,
      messageId:
        random() < 0.02 ? null : `<${crypto.createHash('sha1').update(seed).digest('hex').slice(0, 20)}@bench.test>`,
      size,
      attachmentBytes,
    });
    // INTERNALDATE: a little after the Date header, whole seconds.
    const internalDate = new Date(date.getTime() + Math.floor(random() * 3600) * 1000);
    previous = { folder, raw, flags: pickFlags(random, folder), internalDate };
    yield previous;
  }
}
