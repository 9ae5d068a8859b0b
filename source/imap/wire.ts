// Pure helpers for what goes on and comes off the wire: dates, UID sets, flags, headers and the
// MULTIAPPEND command's attributes. No connection, no imapflow: unit-tested in test/imap/wire.test.ts.
import { createHash } from 'node:crypto';
import type { AppendItem, AppendResult, MessageSummary } from './types.ts';

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

/** Compresses UIDs into an IMAP sequence set ("1:5,9,12:14"), whatever their order. */
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

/** Flags as the planner compares them: sorted, without \Recent (a session flag, not the message's). */
export function normalizeFlags(flags: Iterable<string> | undefined): string[] {
  if (!flags) return [];
  return [...flags].filter((flag) => flag.toLowerCase() !== '\\recent').sort();
}

/** A FETCH row (UID, FLAGS, RFC822.SIZE, INTERNALDATE) as the planner's summary. */
export function summaryOf(row: {
  uid: number;
  flags?: Iterable<string>;
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

/** The Message-ID of a header block (folded lines unfolded), if it has a non-empty one. */
export function parseMessageId(headers: Buffer | undefined): string | undefined {
  if (!headers) return undefined;
  const text = headers.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const match = /^message-id:\s*(.*)$/im.exec(text);
  const value = match?.[1]?.trim();
  return value ? value : undefined;
}

/** SHA-256 (hex) of a header block: the identity of a message without a Message-ID. */
export function headerHash(headers: Buffer | undefined): string {
  return createHash('sha256')
    .update(headers ?? Buffer.alloc(0))
    .digest('hex');
}

/** One attribute of a command as imapflow's compiler takes it. */
export type WireAttribute =
  | { type: 'ATOM'; value: string }
  | { type: 'STRING'; value: string }
  | { type: 'LITERAL'; value: Buffer; isLiteral8: boolean }
  | WireAttribute[];

/**
 * The attributes of one MULTIAPPEND (RFC 3502): the folder, then flags, date and literal of each
 * message. A message holding NUL bytes goes as a literal8 (RFC 3516) when `binary` is allowed.
 */
export function multiAppendAttributes(
  encodedPath: string,
  items: readonly AppendItem[],
  binary: boolean,
): WireAttribute[] {
  const attributes: WireAttribute[] = [{ type: 'ATOM', value: encodedPath }];
  for (const item of items) {
    attributes.push(
      item.flags.map((flag): WireAttribute => ({ type: 'ATOM', value: flag })),
      { type: 'STRING', value: imapDateTime(item.internalDate) },
      { type: 'LITERAL', value: item.source, isLiteral8: binary && item.source.indexOf(0) >= 0 },
    );
  }
  return attributes;
}

/** The response code section of a tagged OK, as imapflow parses it ("[APPENDUID 7 5:7]"). */
export type ResponseSection = readonly { value?: unknown }[] | undefined;

/**
 * One result per appended message from the APPENDUID code (UIDPLUS): each UID in order with the
 * UIDVALIDITY, or empty results when the server reported none or a count that does not match.
 */
export function appendResultsOf(section: ResponseSection, count: number): AppendResult[] {
  let uids: number[] | undefined;
  let uidValidity: string | undefined;
  if (section && String(section[0]?.value ?? '').toUpperCase() === 'APPENDUID') {
    uidValidity = String(section[1]?.value ?? '') || undefined;
    uids = expandUidSet(String(section[2]?.value ?? ''));
  }
  if (!uids || uids.length !== count) return Array.from({ length: count }, () => ({}));
  return uids.map((uid) => ({ uid, uidValidity }));
}
