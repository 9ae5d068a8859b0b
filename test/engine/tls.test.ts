// TLS on the source (issue 7 item 5): implicit TLS and STARTTLS verified by default, an
// untrusted certificate refused with the host and reason unless explicitly allowed; a chosen
// STARTTLS the server does not offer is an error, never a plaintext fallback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { compareMailboxes, makeMessage, readMailbox, seedMailbox } from '../helpers/mail.ts';
import { jobBetween, run, tempStateStore } from './support.ts';

const tess = { name: 'tess@example.com', password: 'tess-pass' };
let secure: Dovecot;
let plain: Dovecot;
let destination: Dovecot;

before(async () => {
  [secure, plain, destination] = await Promise.all([
    startDovecot({ users: [tess], tls: true, starttls: true }),
    startDovecot({ users: [tess] }),
    startDovecot({ users: [tess] }),
  ]);
  await seedMailbox(secure, tess.name, [{ path: 'INBOX', messages: [{ raw: makeMessage({ subject: 'over TLS' }) }] }]);
});

after(async () => {
  await Promise.all([secure?.stop(), plain?.stop(), destination?.stop()]);
});

for (const kind of ['tls', 'starttls'] as const) {
  test(`${kind}: an untrusted source certificate fails the account with TLS_FAILED unless allowed`, async () => {
    const job = jobBetween(secure, destination, tess, { mode: 'new' });
    job.source.endpoint = secure.endpoint(kind);
    const refused = await run(job, { state: tempStateStore().state });
    assert.equal(refused.status, 'failed');
    assert.equal(refused.errors[0].code, 'TLS_FAILED');
    assert.match(refused.errors[0].detail, /127\.0\.0\.1:\d+ .*certificate/);
    job.source.endpoint = secure.endpoint(kind, { allowInvalidCert: true });
    const allowed = await run(job, { state: tempStateStore().state });
    assert.equal(allowed.status, 'complete', JSON.stringify(allowed.errors));
    assert.deepEqual(
      compareMailboxes(await readMailbox(secure, tess.name), await readMailbox(destination, tess.name), {
        ignoreEmptyExtraFolders: true,
      }),
      [],
    );
  });
}

test('STARTTLS chosen but not offered: TLS_FAILED, nothing sent in plaintext', async () => {
  const job = jobBetween(plain, destination, tess, { mode: 'new' });
  job.source.endpoint = { ...plain.endpoint(), tls: 'starttls' };
  const result = await run(job, { state: tempStateStore().state });
  assert.equal(result.status, 'failed');
  assert.equal(result.errors[0].code, 'TLS_FAILED');
  assert.match(result.errors[0].detail, /does not offer STARTTLS/);
});
