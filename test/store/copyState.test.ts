// The copy record (source/store/copyState.ts): batches are kept as one packed string each, and
// records written in the older format (arrays of pairs) still load.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Datastore from 'nedb-promises';
import { NedbCopyStateStore } from '../../source/store/copyState.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

function open(file: string) {
  const collection = Datastore.create({ filename: file, autoload: true });
  return { collection, state: new NedbCopyStateStore(collection as never) };
}

const HEADER = { sourceUidValidity: '7', destFolder: 'INBOX', destUidValidity: '9' };

test('copies and forgets come back as recorded, from a file that holds them as strings', async () => {
  const file = path.join(makeTempDir('imap-migrate-copystate-'), 'copy_state.db');
  const { state } = open(file);
  await state.reset('pair', 'INBOX', HEADER);
  await state.record('pair', 'INBOX', [
    [1, 101],
    [2, 102],
    [3, 0],
  ]);
  await state.record('pair', 'INBOX', [[4, 104]]);
  await state.forget('pair', 'INBOX', [2]);
  const loaded = await open(file).state.load('pair', 'INBOX');
  assert.deepEqual(
    [...loaded!.copies],
    [
      [1, 101],
      [3, 0],
      [4, 104],
    ],
  );
  const text = fs.readFileSync(file, 'utf8');
  assert.match(text, /"packed":"1:101,2:102,3:0"/);
  assert.doesNotMatch(text, /\[\[/, 'no arrays of pairs');
  assert.deepEqual(await open(file).state.loadHeader('pair', 'INBOX'), HEADER);
});

test('a record in the older format (arrays) loads, and later batches and folding apply on top of it', async () => {
  const file = path.join(makeTempDir('imap-migrate-copystate-'), 'copy_state.db');
  const { collection, state } = open(file);
  await state.reset('pair', 'INBOX', HEADER);
  const header = (await collection.findOne({ kind: 'folder' })) as { generation: number };
  await collection.insert({
    kind: 'copies',
    pair: 'pair',
    folder: 'INBOX',
    generation: header.generation,
    seq: 1,
    entries: [
      [1, 11],
      [2, 12],
      [3, 13],
    ],
  });
  await collection.insert({
    kind: 'forget',
    pair: 'pair',
    folder: 'INBOX',
    generation: header.generation,
    seq: 2,
    entries: [1],
  });
  await state.record('pair', 'INBOX', [[5, 15]]);
  assert.deepEqual(
    [...(await open(file).state.load('pair', 'INBOX'))!.copies],
    [
      [2, 12],
      [3, 13],
      [5, 15],
    ],
  );
  // Enough batches to be folded into one on load: the fold is packed and loses nothing.
  const reopened = open(file).state;
  for (let uid = 100; uid < 140; uid++) await reopened.record('pair', 'INBOX', [[uid, uid + 1000]]);
  const folded = await reopened.load('pair', 'INBOX');
  const again = await open(file).state.load('pair', 'INBOX');
  assert.equal(folded!.copies.size, 43);
  assert.deepEqual(
    [...again!.copies].sort((a, b) => a[0] - b[0]),
    [...folded!.copies].sort((a, b) => a[0] - b[0]),
  );
  const batches = (await open(file).collection.find({ kind: 'copies' })) as { packed?: string }[];
  assert.equal(batches.length, 1);
  assert.ok(batches[0].packed?.startsWith('2:12,3:13,5:15,100:1100'));
});
