// The pure wire helpers of source/imap/wire.ts: what the session sends and how it reads replies.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  appendResultsOf,
  expandUidSet,
  headerHash,
  imapDateTime,
  multiAppendAttributes,
  normalizeFlags,
  parseMessageId,
  summaryOf,
  uidSet,
} from '../../source/imap/wire.ts';

test('imapDateTime writes the instant in UTC with two-digit fields', () => {
  assert.equal(imapDateTime(Date.UTC(2024, 2, 5, 10, 0, 0)), '05-Mar-2024 10:00:00 +0000');
  assert.equal(imapDateTime(Date.UTC(1999, 11, 31, 23, 59, 7)), '31-Dec-1999 23:59:07 +0000');
});

test('uidSet compresses UIDs into ranges whatever their order', () => {
  assert.equal(uidSet([1, 2, 3, 4, 5, 9, 12, 13, 14]), '1:5,9,12:14');
  assert.equal(uidSet([14, 9, 13, 12]), '9,12:14');
  assert.equal(uidSet([7]), '7');
});

test('expandUidSet expands APPENDUID sets in order, descending ranges too, and refuses garbage', () => {
  assert.deepEqual(expandUidSet('5:7,9'), [5, 6, 7, 9]);
  assert.deepEqual(expandUidSet('9:7'), [9, 8, 7]);
  assert.deepEqual(expandUidSet('42'), [42]);
  assert.equal(expandUidSet('5:*'), undefined);
  assert.equal(expandUidSet(''), undefined);
  assert.deepEqual(expandUidSet(uidSet([3, 4, 5, 10])), [3, 4, 5, 10]);
});

test('flags are sorted and lose \\Recent, whatever its case', () => {
  assert.deepEqual(normalizeFlags(new Set(['\\Seen', '\\RECENT', '$Label1', '\\Answered'])), [
    '$Label1',
    '\\Answered',
    '\\Seen',
  ]);
  assert.deepEqual(normalizeFlags(undefined), []);
});

test('summaryOf turns a FETCH row into milliseconds, sorted flags and a size', () => {
  const row = { uid: 4, flags: new Set(['\\Seen', '\\Recent']), size: 120, internalDate: '2024-03-05T10:00:00Z' };
  assert.deepEqual(summaryOf(row), { uid: 4, flags: ['\\Seen'], size: 120, internalDate: Date.UTC(2024, 2, 5, 10) });
  assert.deepEqual(summaryOf({ uid: 5 }), { uid: 5, flags: [], size: 0, internalDate: 0 });
});

test('parseMessageId reads a folded, any-case Message-ID, and nothing from an empty one', () => {
  assert.equal(parseMessageId(Buffer.from('Subject: x\r\nMessage-ID: <a@b>\r\n\r\n')), '<a@b>');
  assert.equal(parseMessageId(Buffer.from('message-id:\r\n <folded@x>\r\n\r\n')), '<folded@x>');
  assert.equal(parseMessageId(Buffer.from('Message-ID:   \r\n\r\n')), undefined);
  assert.equal(parseMessageId(Buffer.from('Subject: none\r\n\r\n')), undefined);
  assert.equal(parseMessageId(undefined), undefined);
});

test('headerHash is the SHA-256 of the header bytes, and of nothing when there are none', () => {
  const headers = Buffer.from('Subject: x\r\n\r\n');
  assert.equal(headerHash(headers), createHash('sha256').update(headers).digest('hex'));
  assert.equal(headerHash(undefined), createHash('sha256').digest('hex'));
});

test('multiAppendAttributes: folder, then flags, date and literal per message; literal8 only for NUL bytes with BINARY', () => {
  const plain = Buffer.from('Subject: a\r\n\r\nbody');
  const withNul = Buffer.from([0x41, 0x00, 0x42]);
  const items = [
    { source: plain, flags: ['\\Seen'], internalDate: Date.UTC(2024, 0, 1) },
    { source: withNul, flags: [], internalDate: Date.UTC(2024, 0, 2) },
  ];
  assert.deepEqual(multiAppendAttributes('&AOQ-rger', items, true), [
    { type: 'ATOM', value: '&AOQ-rger' },
    [{ type: 'ATOM', value: '\\Seen' }],
    { type: 'STRING', value: '01-Jan-2024 00:00:00 +0000' },
    { type: 'LITERAL', value: plain, isLiteral8: false },
    [],
    { type: 'STRING', value: '02-Jan-2024 00:00:00 +0000' },
    { type: 'LITERAL', value: withNul, isLiteral8: true },
  ]);
  const withoutBinary = multiAppendAttributes('INBOX', items, false);
  assert.deepEqual(withoutBinary[6], { type: 'LITERAL', value: withNul, isLiteral8: false });
});

test('appendResultsOf: one UID per message from APPENDUID, empty results when missing or mismatched', () => {
  const section = [{ value: 'APPENDUID' }, { value: '1700' }, { value: '5:7' }];
  assert.deepEqual(appendResultsOf(section, 3), [
    { uid: 5, uidValidity: '1700' },
    { uid: 6, uidValidity: '1700' },
    { uid: 7, uidValidity: '1700' },
  ]);
  assert.deepEqual(appendResultsOf(section, 2), [{}, {}]);
  assert.deepEqual(appendResultsOf(undefined, 2), [{}, {}]);
  assert.deepEqual(appendResultsOf([{ value: 'READ-WRITE' }], 1), [{}]);
});
