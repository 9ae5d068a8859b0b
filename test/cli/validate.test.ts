import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../source/errors.ts';
import { parseEmail, parseHost, parsePort, parseTls, resolvePassword } from '../../source/cli/validate.ts';
import { makeTempDir } from '../helpers/tempDirs.ts';

function usage(pattern: RegExp) {
  return (e: unknown) =>
    e instanceof UsageError && e.exitCode === 2 && pattern.test(e.message) && !e.message.includes('\n');
}

test('validate: ports are whole numbers 1-65535', () => {
  assert.equal(parsePort('993'), 993);
  assert.equal(parsePort(' 143 '), 143);
  for (const bad of ['abc', '0', '70000', '1.5', '-1', '', '1e3', '0x10']) {
    assert.throws(() => parsePort(bad), usage(/^--port must be a whole number from 1 to 65535/), bad);
  }
});

test('validate: hosts, TLS modes, emails', () => {
  assert.equal(parseHost(' mail.example.org '), 'mail.example.org');
  assert.equal(parseHost('[::1]'), '::1');
  assert.equal(parseHost('192.0.2.7'), '192.0.2.7');
  for (const bad of ['', 'has space', 'imaps://x', 'user@host', 'mail.x:993', 'a\u0007b'])
    assert.throws(() => parseHost(bad), UsageError, bad);
  assert.equal(parseTls('TLS'), 'tls');
  assert.throws(() => parseTls('ssl'), usage(/--tls must be one of none, starttls, tls/));
  assert.equal(parseEmail(' Ann@Example.ORG', 'EMAIL'), 'ann@example.org');
  for (const bad of ['plain', 'a@@b', 'a b@c', '@b', 'a@', 'a@b..c', `${'x'.repeat(250)}@b.c`])
    assert.throws(() => parseEmail(bad, 'EMAIL'), UsageError, bad);
});

test('validate: a password from the option, a file or the environment; empty or both is bad usage', () => {
  const file = path.join(makeTempDir('imap-migrate-pw-'), 'pw');
  fs.writeFileSync(file, 'from file\n');
  const base = { valueOption: '--password', fileOption: '--password-file', envName: 'PW_ENV' };
  assert.equal(resolvePassword({ ...base, value: 'given', env: { PW_ENV: 'env' } }), 'given');
  assert.equal(resolvePassword({ ...base, file, env: { PW_ENV: 'env' } }), 'from file');
  assert.equal(resolvePassword({ ...base, env: { PW_ENV: 'env' } }), 'env');
  assert.equal(resolvePassword({ ...base, env: {} }), undefined);
  assert.throws(() => resolvePassword({ ...base, value: '', env: {} }), usage(/--password is empty/));
  assert.throws(() => resolvePassword({ ...base, value: 'a', file, env: {} }), usage(/not both/));
  assert.throws(() => resolvePassword({ ...base, value: 'a\nb', env: {} }), usage(/control character/));
});
