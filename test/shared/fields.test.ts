import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePort as cliPort, parseHost as cliHost } from '../../source/cli/validate.ts';
import { parseNotify as cliNotify } from '../../source/cli/syncOptions.ts';
import { parseHost, parseNotify, parsePort } from '../../source/shared/fields.ts';

test('one parser, named as the user sees it: --port on the command line, Port in a form', () => {
  assert.throws(() => parsePort('abc', 'Port'), /^UsageError: Port must be a whole number from 1 to 65535/);
  assert.throws(() => cliPort('abc'), /^UsageError: --port must be a whole number from 1 to 65535/);
  assert.throws(
    () => parseHost('mail.example.com:993', 'IMAP server'),
    /IMAP server takes the host alone; give the port with Port/,
  );
  assert.throws(() => cliHost('mail.example.com:993'), /--host takes the host alone; give the port with --port/);
  assert.throws(
    () => parseNotify('nope', 'Notify users'),
    /^UsageError: Notify users: not a valid email address: "nope"/,
  );
  assert.throws(() => cliNotify('nope'), /--notify: not a valid email address/);
  assert.equal(parsePort(' 993 ', 'Port'), 993);
});
