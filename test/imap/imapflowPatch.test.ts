// What the imapflow patch (patches/imapflow+2.10.2.patch) changes in how bytes are read and
// written, checked on imapflow's own parser and compiler: a patch that no longer applies after an
// upgrade shows here.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import compiler from 'imapflow/lib/handler/imap-compiler.js';
import { ImapStream } from 'imapflow/lib/handler/imap-stream.js';

interface StreamItem {
  payload: Buffer;
  literals: Buffer[];
  next: () => void;
}

async function parse(wire: Buffer, chunkSize: number): Promise<StreamItem[]> {
  const stream = new ImapStream({});
  const items: StreamItem[] = [];
  stream.on('data', (item: StreamItem) => {
    items.push(item);
    item.next();
  });
  for (let i = 0; i < wire.length; i += chunkSize) stream.write(wire.subarray(i, i + chunkSize));
  stream.end();
  await once(stream, 'finish');
  return items;
}

test('a literal read in many chunks is one buffer of the announced size, byte for byte', async () => {
  const body = Buffer.alloc(300_000);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31) % 256;
  const wire = Buffer.concat([
    Buffer.from(`* 1 FETCH (UID 5 BODY[] {${body.length}}\r\n`),
    body,
    Buffer.from(' FLAGS (\\Seen))\r\n* 2 FETCH (UID 6 BODY[] {0}\r\n)\r\n* 3 FETCH (UID 7 BODY[] {3}\r\nabc)\r\n'),
  ]);
  for (const chunkSize of [1, 7, 4096, 65536, wire.length]) {
    const items = await parse(chunkSize === 1 ? wire.subarray(wire.length - 60) : wire, chunkSize);
    if (chunkSize === 1) {
      // byte by byte: only the last two responses, to keep it quick
      assert.deepEqual(
        items.map((item) => item.literals.map((l) => l.toString())),
        [[''], ['abc']],
      );
      continue;
    }
    assert.equal(items.length, 3);
    const [literal] = items[0].literals;
    assert.equal(literal.length, body.length);
    assert.equal(literal.buffer.byteLength, body.length, 'not a view into a larger buffer');
    assert.ok(literal.equals(body));
    assert.equal(items[0].payload.toString(), `* 1 FETCH (UID 5 BODY[] {${body.length}}\r\n FLAGS (\\Seen))`);
    assert.equal(items[1].literals[0].length, 0);
    assert.equal(items[2].literals[0].toString(), 'abc');
  }
});

test('with LITERAL+, each message of a MULTIAPPEND is a frame of its own, not copied into one buffer', () => {
  const bodies = [Buffer.alloc(5000, 'a'), Buffer.alloc(2000, 'b'), Buffer.from('tiny')];
  const attributes: unknown[] = [{ type: 'ATOM', value: 'INBOX' }];
  for (const body of bodies) attributes.push([{ type: 'ATOM', value: '\\Seen' }], { type: 'LITERAL', value: body });
  // (a part may be an array of frames since the patch; imapflow's types do not say so)
  const parts = compiler({ tag: 'A1', command: 'APPEND', attributes } as never, {
    asArray: true,
    literalPlus: true,
  }) as unknown as (Buffer | Buffer[])[];
  assert.equal(parts.length, 1, 'one command part: no continuation to wait for');
  const frames = parts[0] as Buffer[];
  assert.ok(Array.isArray(frames));
  assert.ok(frames.includes(bodies[0]) && frames.includes(bodies[1]), 'the bodies themselves are frames');
  assert.equal(
    Buffer.concat(frames).toString(),
    `A1 APPEND INBOX (\\Seen) {5000+}\r\n${'a'.repeat(5000)} (\\Seen) {2000+}\r\n${'b'.repeat(2000)} (\\Seen) {4+}\r\ntiny`,
  );
});
