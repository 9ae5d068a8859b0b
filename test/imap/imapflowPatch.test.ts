// The guards of patches/ (docs/patches.md): what the imapflow patch (patches/imapflow+2.10.2.patch)
// changes in how bytes are read and written, checked on imapflow's own parser, compiler and
// write(), and the libmime patch (patches/libmime+5.6.4.patch): a patch that no longer applies
// after an upgrade shows here.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { ImapFlow } from 'imapflow';
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

test('a command part given as frames is written frame by frame, corked into one writev, with its CRLF last', async () => {
  const client = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false }) as unknown as {
    socket: unknown;
    writeSocket: unknown;
    commandParts: unknown[];
    write(chunk: unknown): unknown;
  };
  const written: Buffer[] = [];
  const corks: string[] = [];
  const socket = {
    destroyed: false,
    write: (data: Buffer) => written.push(data),
    cork: () => corks.push('cork'),
    uncork: () => corks.push('uncork'),
  };
  client.socket = socket;
  client.writeSocket = socket;
  client.commandParts = [];
  const large = Buffer.alloc(4096, 'x');
  const head = Buffer.from('A1 APPEND INBOX {4096+}\r\n');
  client.write([head, large]);
  assert.equal(written.length, 3);
  assert.equal(written[0], head);
  assert.equal(written[1], large, 'the literal itself is written, not a copy');
  assert.equal(written[2].toString(), '\r\n');
  assert.deepEqual(corks, ['cork']);
  await new Promise((resolve) => process.nextTick(resolve));
  assert.deepEqual(corks, ['cork', 'uncork'], 'uncorked on the next tick');
});

test('imapflow sends every literal non-synchronizing under LITERAL+, and asks ID again only of a server that did not name itself', () => {
  // Checked in both builds: ESM (what our ES modules and the bundle load) and CommonJS (require()).
  const require = createRequire(import.meta.url);
  const main = require.resolve('imapflow');
  for (const file of [main, main.replace(`${path.sep}cjs${path.sep}`, `${path.sep}esm${path.sep}`)]) {
    const code = fs.readFileSync(file, 'utf8');
    assert.match(
      code,
      /literalPlus: this\.capabilities\.has\('LITERAL\+'\)/,
      `${file}: LITERAL+ not passed to the compiler`,
    );
    assert.match(code, /!this\.idRequested \|\| !this\.idRequested\.name\)/, `${file}: ID asked again after LOGIN`);
  }
});

test('libmime looks the GBK codec up on first use, not at load, and still decodes double-byte text split across chunks', async () => {
  const require = createRequire(import.meta.url);
  // libmime's exports map hides its files: charset.js sits next to its main (the copy imapflow loads).
  const libmime = require.resolve('libmime', { paths: [path.dirname(require.resolve('imapflow'))] });
  const cjsCharset = path.join(path.dirname(libmime), 'charset.js');
  const esmCharset = cjsCharset.replace(`${path.sep}cjs${path.sep}`, `${path.sep}esm${path.sep}`);
  // Both builds load the same iconv-lite (CommonJS): its getCodec is watched while each loads afresh.
  const iconv = createRequire(cjsCharset)('iconv-lite') as { getCodec: (name: string) => unknown };
  const getCodec = iconv.getCodec;
  type Charset = { createDecodeStream: (charset: string) => NodeJS.ReadWriteStream };
  const loaders: [string, () => Promise<Charset>][] = [
    [
      'cjs',
      async () => {
        delete require.cache[cjsCharset];
        return require(cjsCharset) as Charset;
      },
    ],
    ['esm', async () => (await import(`${pathToFileURL(esmCharset).href}?guard`)) as Charset],
  ];
  for (const [build, load] of loaders) {
    const asked: string[] = [];
    iconv.getCodec = (name: string) => {
      asked.push(String(name).toLowerCase());
      return getCodec.call(iconv, name);
    };
    try {
      const charset = await load();
      assert.ok(!asked.includes('gbk'), `${build}: GBK looked up when the module loaded`);
      const stream = charset.createDecodeStream('gbk');
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      const bytes = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]); // "中文" in GBK
      stream.write(bytes.subarray(0, 1));
      stream.write(bytes.subarray(1, 3));
      stream.end(bytes.subarray(3));
      await once(stream, 'end');
      assert.equal(Buffer.concat(chunks).toString('utf8'), '中文');
      assert.ok(asked.includes('gbk'), `${build}: looked up on first use`);
    } finally {
      iconv.getCodec = getCodec;
    }
  }
});
