// The datastore files (source/store/database.ts): loading a collection rewrites its file only
// when updates have piled up in it, or when it ends in a partial line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Database } from '../../source/store/database.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const tempDir = () => makeTempDir('imap-migrate-database-');

interface Doc {
  _id?: string;
  name: string;
  payload?: string;
  round?: number;
}

async function write(dir: string, fill: (db: Database) => Promise<void>): Promise<void> {
  const db = new Database(dir, { writable: true });
  await fill(db);
  await db.close();
}

test('a file that holds little beyond its documents is not rewritten by a load', async () => {
  const dir = tempDir();
  await write(dir, async (db) => {
    const things = db.collection<Doc>('things');
    for (let i = 0; i < 50; i++) await things.insert({ name: `n${i}`, payload: 'x'.repeat(100) });
    await things.update({ name: 'n1' }, { $set: { round: 1 } });
  });
  const file = path.join(dir, 'things.db');
  const before = { inode: fs.statSync(file).ino, text: fs.readFileSync(file, 'utf8') };
  const db = new Database(dir, { writable: true });
  const things = db.collection<Doc>('things');
  assert.equal(await things.count({}), 50);
  assert.equal((await things.findOne({ name: 'n1' }))?.round, 1);
  assert.equal(fs.statSync(file).ino, before.inode, 'not replaced');
  assert.equal(fs.readFileSync(file, 'utf8'), before.text);
});

test('a file grown by updates to more than twice what it holds is compacted when loaded', async () => {
  const dir = tempDir();
  await write(dir, async (db) => {
    const things = db.collection<Doc>('things');
    for (let i = 0; i < 20; i++) await things.insert({ name: `n${i}`, payload: 'y'.repeat(500) });
    for (let round = 0; round < 60; round++) await things.update({}, { $set: { round } }, { multi: true });
  });
  const file = path.join(dir, 'things.db');
  const grown = fs.statSync(file).size;
  assert.ok(grown > 512 * 1024, `grown to ${grown}`);
  const db = new Database(dir, { writable: true });
  const things = db.collection<Doc>('things');
  assert.equal(await things.count({ round: 59 }), 20);
  const compacted = fs.statSync(file).size;
  assert.ok(compacted < grown / 10, `${grown} -> ${compacted}`);
  assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 20);
});

test('a file cut short in its last line is rewritten when loaded, so the next write is kept', async () => {
  const dir = tempDir();
  await write(dir, async (db) => {
    const things = db.collection<Doc>('things');
    for (let i = 0; i < 30; i++) await things.insert({ name: `n${i}` });
  });
  const file = path.join(dir, 'things.db');
  fs.appendFileSync(file, '{"name":"half a docu');
  {
    const db = new Database(dir, { writable: true });
    const things = db.collection<Doc>('things');
    assert.equal(await things.count({}), 30);
    await things.insert({ name: 'after the crash' });
  }
  const db = new Database(dir, { writable: true });
  const things = db.collection<Doc>('things');
  assert.equal(await things.count({}), 31);
  assert.ok(await things.findOne({ name: 'after the crash' }));
});
