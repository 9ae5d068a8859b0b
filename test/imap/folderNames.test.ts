import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderKey, translatePath } from '../../source/imap/folderNames.ts';

const dot = { delimiter: '.', prefix: '' };
const slash = { delimiter: '/', prefix: '' };
const courier = { delimiter: '.', prefix: 'INBOX.' };

test('separators are translated both ways', () => {
  assert.equal(translatePath('Projets.Été 2025', dot, slash).path, 'Projets/Été 2025');
  assert.equal(translatePath('Projets/Été 2025', slash, dot).path, 'Projets.Été 2025');
});

test('INBOX matches in any case, its children keep their place', () => {
  assert.equal(translatePath('inbox', dot, slash).path, 'INBOX');
  assert.equal(translatePath('Inbox.Sub', dot, slash).path, 'INBOX/Sub');
  assert.equal(folderKey('inbox', dot), folderKey('INBOX', slash));
});

test('a name holding the destination separator is rewritten and reported', () => {
  const result = translatePath('a/b.c', dot, slash);
  assert.equal(result.path, 'a_b/c');
  assert.ok(result.rewritten);
  assert.equal(translatePath('x.y/z', slash, dot).path, 'x_y.z');
});

test('personal namespace prefixes are removed and added', () => {
  assert.equal(translatePath('INBOX.Sent', courier, slash).path, 'Sent');
  assert.equal(translatePath('INBOX', courier, slash).path, 'INBOX');
  assert.equal(translatePath('Sent/2024', slash, courier).path, 'INBOX.Sent.2024');
  assert.equal(translatePath('INBOX', slash, courier).path, 'INBOX');
});
