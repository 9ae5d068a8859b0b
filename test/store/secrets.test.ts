import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SecretBox, SecretKeyError, isSealed, type KeyCheckStore } from '../../source/store/secrets.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

function memoryCheck(): KeyCheckStore & { value?: string } {
  const store: KeyCheckStore & { value?: string } = {
    get: () => store.value,
    set: (v: string) => {
      store.value = v;
    },
  };
  return store;
}

const dir = makeTempDir('imap-migrate-secrets-');

test('secrets: seal/open round trip with a key file created 0600 on first need; fresh IV each time', () => {
  process.umask(0o022);
  const keyFile = path.join(dir, 'k1', 'secret.key');
  const check = memoryCheck();
  const box = new SecretBox({ keyFile, writable: true, check });
  assert.equal(fs.existsSync(keyFile), false);
  const plain = 'pässwörd "with" spaces, and ✓';
  const sealed = box.seal(plain);
  assert.ok(isSealed(sealed) && sealed.startsWith('enc:v1:'));
  assert.ok(!sealed.includes(plain) && !sealed.includes(Buffer.from(plain).toString('base64')));
  assert.notEqual(box.seal(plain), sealed);
  assert.equal(box.open(sealed), plain);
  assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
  assert.ok(check.value);
  // Another box on the same key file opens it.
  assert.equal(new SecretBox({ keyFile, writable: false, check }).open(sealed), plain);
});

test('secrets: IMAP_MIGRATE_KEY derives the key; a wrong key is a clear error; no key file is made', () => {
  const keyFile = path.join(dir, 'k2', 'secret.key');
  const check = memoryCheck();
  const sealed = new SecretBox({ keyFile, envKey: 'correct horse', writable: true, check }).seal('pw');
  assert.equal(fs.existsSync(keyFile), false);
  assert.equal(new SecretBox({ keyFile, envKey: 'correct horse', writable: false, check }).open(sealed), 'pw');
  assert.throws(
    () => new SecretBox({ keyFile, envKey: 'wrong', writable: false, check }).open(sealed),
    (e: unknown) =>
      e instanceof SecretKeyError &&
      /cannot decrypt stored passwords: the key from IMAP_MIGRATE_KEY does not match/.test(e.message),
  );
  // Without the env key, the key file is missing: said so, and not created even by a writer.
  assert.throws(() => new SecretBox({ keyFile, writable: true, check }).seal('new'), /key file .* is missing/);
  assert.equal(fs.existsSync(keyFile), false);
  // A writer with the wrong key refuses to seal (no mixing of keys).
  assert.throws(() => new SecretBox({ keyFile, envKey: 'wrong', writable: true, check }).seal('x'), SecretKeyError);
});

test('secrets: a key file that does not match the sealed values names the file', () => {
  const check = memoryCheck();
  const sealed = new SecretBox({ keyFile: path.join(dir, 'k3a'), writable: true, check }).seal('pw');
  const other = path.join(dir, 'k3b');
  new SecretBox({ keyFile: other, writable: true }).seal('make the file');
  assert.throws(
    () => new SecretBox({ keyFile: other, writable: false, check }).open(sealed),
    (e: unknown) =>
      e instanceof Error && e.message.includes(`the key in ${other} does not match the one they were saved with`),
  );
});
