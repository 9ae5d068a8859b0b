// The redaction of notification mails (source/notify/redact.ts): no password, key or token leaves
// in a mail, wherever it shows and however it was wrapped.
process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeNotification, type NotifyAccountRow, type NotifySync } from '../../source/notify/compose.ts';
import { collectSecrets, MASK, redact, redactorFor } from '../../source/notify/redact.ts';
import { zeroCounters } from '../../source/engine/types.ts';

describe('collectSecrets', () => {
  it('finds passwords, keys and tokens at any depth, in arrays, under any secret-like key', () => {
    const event = {
      sync: { id: 'abc', admin: { user: 'master', password: 'pw-admin-1' } },
      accounts: [{ remotePassword: 'pw-remote-2' }, { smtp: { pass: 'pw-smtp-3' } }],
      apiKey: 'key-4-value',
      settings: { private_key: 'priv-5-value', accessToken: 'tok-6-value', clientSecret: 'sec-7-value' },
      oauth: { refreshToken: ['tok-8-a', 'tok-8-b'] },
    };
    assert.deepEqual(
      collectSecrets(event).sort(),
      [
        'key-4-value',
        'priv-5-value',
        'pw-admin-1',
        'pw-remote-2',
        'pw-smtp-3',
        'sec-7-value',
        'tok-6-value',
        'tok-8-a',
        'tok-8-b',
      ].sort(),
    );
  });

  it('leaves ordinary fields and too-short values alone, and survives cycles', () => {
    const node: Record<string, unknown> = { user: 'master', host: 'imap.example', password: 'ab' };
    node.self = node;
    assert.deepEqual(collectSecrets(node), []);
  });

  it('lists longer secrets first, so one holding another is masked whole', () => {
    assert.deepEqual(collectSecrets({ password: 'abc', token: 'abcdef' }), ['abcdef', 'abc']);
    assert.equal(redact('x abcdef y abc', ['abc', 'abcdef']), `x ${MASK} y ${MASK}`);
  });
});

describe('redact', () => {
  const secret = 'S3cret-Pa55!';

  it('masks every occurrence, regular-expression characters and all', () => {
    assert.equal(redact(`a ${secret} b ${secret}`, [secret]), `a ${MASK} b ${MASK}`);
    assert.equal(redact('cost $1.00 (a+b)* done', ['$1.00 (a+b)*']), `cost ${MASK} done`);
  });

  it('masks a secret split across lines: CRLF, LF, header folding, or the spaces a line break became', () => {
    for (const split of [
      'S3cret-\r\nPa55!',
      'S3cr\net-Pa55!',
      'S3cret-Pa\r\n\t55!',
      'S3cret- Pa55!',
      'S3c  ret-Pa55!',
    ]) {
      const text = `Subject: login refused\r\nX-Detail: ${split} was wrong\r\n`;
      const out = redact(text, [secret]);
      assert.ok(!out.includes('Pa55'), `${JSON.stringify(split)} leaked: ${out}`);
      assert.match(out, /X-Detail: \*{8} was wrong/);
    }
  });

  it('masks values the text labels as secret, in headers and in sentences, without knowing them', () => {
    const text = [
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
      'X-Api-Key: 0123456789abcdef',
      'login failed: password=hunter22; retry',
      'smtp pass: "with spaces inside" refused',
      'token = tok_live_abc123, user=ann',
      'access_key:AKIAEXAMPLE',
    ].join('\r\n');
    const out = redact(text, []);
    for (const leaked of ['eyJhbGci', '0123456789abcdef', 'hunter22', 'with spaces inside', 'tok_live_abc123', 'AKIA'])
      assert.ok(!out.includes(leaked), `${leaked} leaked: ${out}`);
    assert.match(out, /user=ann/);
    assert.match(out, /password=\*{8}; retry/);
  });

  it('masks a PEM private key whole, also when its line breaks became spaces', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nq83mXz\n-----END RSA PRIVATE KEY-----';
    for (const text of [pem, pem.replace(/\n/g, ' ')]) {
      const out = redact(`key: see below\n${text}\nend`, []);
      assert.ok(!out.includes('MIIEow') && !out.includes('q83mXz'), out);
      assert.match(out, /end$/);
    }
  });

  it('leaves ordinary text unchanged', () => {
    const text = 'AUTH_FAILED: login as ann refused by imap.example:993 (TLS); check the username and password';
    assert.equal(redact(text, ['hunter22']), text);
  });
});

describe('redaction of composed mails', () => {
  const run = { startedAt: '2026-11-30T05:00:00.000Z', completedAt: '2026-11-30T06:00:00.000Z' };
  const secrets = { admin: 'Adm1n-Secret', token: 'tok-9f8e7d6c', key: 'k3y-0a1b2c3d' };
  const careless = {
    id: 'sync1',
    modeLabel: 'SyncNew',
    sourceHost: 'imap.old.example',
    dryRun: false,
    recipients: ['ops@example.com'],
    sourceAdmin: { user: 'master', password: secrets.admin },
    api: { accessToken: secrets.token, privateKey: secrets.key },
  } as NotifySync;
  const row: NotifyAccountRow = {
    account: 'ann@example.com',
    status: 'failed',
    counters: zeroCounters(),
    errors: [
      // the server echoed the password, folded; the token and key appear in another error
      { code: 'AUTH_FAILED', detail: 'LOGIN master Adm1n-\r\n Secret refused' },
      { code: 'PROTOCOL_ERROR', detail: `proxy said ${secrets.token} and ${secrets.key}` },
    ],
  };

  it('no secret of the event shows in subject, text or HTML, however it was split', () => {
    const mails = [
      composeNotification({ kind: 'run-end', sync: careless, run, accounts: [row] }),
      composeNotification({
        kind: 'account-failed',
        sync: careless,
        run,
        account: { ...row, account: `ann${secrets.token}@example.com` },
      }),
    ];
    for (const mail of mails) {
      for (const part of [mail.subject, mail.text, mail.html]) {
        for (const value of [...Object.values(secrets), 'Secret refused'])
          assert.ok(!part.includes(value), `${value} leaked in ${part.slice(0, 80)}`);
      }
    }
    assert.match(mails[1].subject, /account ann\*{8}@example\.com failed/);
  });

  it('redactorFor masks the secrets of its event in any text', () => {
    const scrub = redactorFor({ smtp: { password: 'smtp-Pw-99' } });
    assert.equal(scrub('Subject: smtp-Pw-99 rejected'), `Subject: ${MASK} rejected`);
  });
});
