import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../source/errors.ts';
import {
  defaultDataDir,
  ensureDataDir,
  readPasswordFile,
  readUserTextFile,
  resolveDataDir,
  writeUserTextFile,
} from '../../source/store/dataDir.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

const tmp = makeTempDir('imap-migrate-datadir-');

test('data dir: --data-dir beats IMAP_MIGRATE_HOME beats the platform default', () => {
  assert.equal(resolveDataDir('/a/flag', { IMAP_MIGRATE_HOME: '/b/env' }), '/a/flag');
  assert.equal(resolveDataDir(undefined, { IMAP_MIGRATE_HOME: '/b/env' }), '/b/env');
  assert.equal(resolveDataDir('', { IMAP_MIGRATE_HOME: '/b/env' }), '/b/env');
  assert.equal(resolveDataDir(undefined, {}), defaultDataDir());
  assert.match(defaultDataDir(), /imap-migrate$/);
  assert.equal(resolveDataDir('rel/dir', {}), path.resolve('rel/dir'));
});

test('data dir: created 0700 with its parents; an existing one is kept; a file in its place is a usage error', () => {
  process.umask(0o022);
  const dir = path.join(tmp, 'a', 'b');
  ensureDataDir(dir);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  ensureDataDir(dir);
  const file = path.join(tmp, 'file');
  fs.writeFileSync(file, 'x');
  assert.throws(
    () => ensureDataDir(file),
    (e: unknown) => e instanceof UsageError && /not a directory/.test(e.message),
  );
});

test('user files: missing, non-UTF-8 and NUL give one-line usage errors; private writes are 0600', () => {
  assert.throws(() => readUserTextFile(path.join(tmp, 'nope.csv'), 'CSV file'), /cannot read CSV file .*no such file/);
  const latin1 = path.join(tmp, 'latin1.csv');
  fs.writeFileSync(latin1, Buffer.from([0x61, 0xe9, 0x0a]));
  assert.throws(() => readUserTextFile(latin1), /not UTF-8 text/);
  const binary = path.join(tmp, 'bin');
  fs.writeFileSync(binary, Buffer.from([0x61, 0x00, 0x62]));
  assert.throws(() => readUserTextFile(binary), /not a text file/);
  const pw = path.join(tmp, 'pw');
  fs.writeFileSync(pw, ' spaced pw \r\nsecond line\n');
  assert.equal(readPasswordFile(pw), ' spaced pw ');
  fs.writeFileSync(pw, '\n');
  assert.throws(() => readPasswordFile(pw), /is empty/);
  process.umask(0o022);
  const out = path.join(tmp, 'out.csv');
  writeUserTextFile(out, 'x\n', { private: true });
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
});
