// Notifications received by a real SMTP server (the smtp-server package) on 127.0.0.1:
// plain, STARTTLS, implicit TLS, AUTH PLAIN/LOGIN, and servers that refuse or never answer.
process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { testCertificate } from '../helpers/dovecot.ts';
import { getFreePort, LOOPBACK } from '../helpers/ports.ts';
import { sendMail } from '../../source/notify/mailer.ts';
import { createSmtpNotifier, NO_SMTP_DETAIL, type NotificationEvent } from '../../source/notify/notifier.ts';
import type { NotifyAccountRow, NotifySync } from '../../source/notify/compose.ts';
import { zeroCounters } from '../../source/engine/types.ts';
import type { SmtpSettings } from '../../source/store/settings.ts';

interface Received {
  from: string;
  to: string[];
  secure: boolean;
  user?: string;
  raw: string;
}

interface TestServer {
  port: number;
  received: Received[];
  authAttempts: { method: string; username?: string }[];
  close(): Promise<void>;
}

const USER = 'notifier@example.com';
const PASSWORD = 'Sm7p-pa55word!';

let cert: { cert: string; key: string };

async function startServer(options: SMTPServerOptions & { refuse?: string[] } = {}): Promise<TestServer> {
  const received: Received[] = [];
  const authAttempts: TestServer['authAttempts'] = [];
  const { refuse = [], ...rest } = options;
  const server = new SMTPServer({
    logger: false,
    key: cert.key,
    cert: cert.cert,
    authOptional: true,
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      authAttempts.push({ method: auth.method, username: auth.username });
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (refuse.includes(address.address))
        callback(Object.assign(new Error(`No such user ${address.address}`), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...rest,
  });
  server.on('error', () => {}); // a client giving up mid-TLS is what some tests do
  const port = await getFreePort();
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, LOOPBACK, () => resolve());
  });
  return {
    port,
    received,
    authAttempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function smtpOf(port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: LOOPBACK, port, tls: 'none', allowInvalidCert: false, from: 'imap-migrate@example.com', ...extra };
}

// ---- a little MIME reading: headers, and the text/plain part decoded ----

function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function textPart(raw: string): string {
  const type = header(raw, 'Content-Type') ?? '';
  const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
  const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [raw];
  const part = parts.find((p) => /content-type:\s*text\/plain/i.test(p)) ?? parts[0];
  const [head, ...bodyParts] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
  const body = bodyParts.join('\r\n\r\n');
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
  const decoded =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return decoded.replace(/\r\n/g, '\n');
}

// ---- events ----

const sync: NotifySync = {
  id: 'SyncIdAbc123',
  modeLabel: 'SyncAll',
  sourceHost: 'imap.old.example',
  dryRun: false,
  recipients: ['ops@example.com', 'boss@example.com'],
};
const run = { startedAt: '2026-11-30T10:00:00Z', completedAt: '2026-11-30T10:30:00Z', status: 'Complete with errors' };
const rows: NotifyAccountRow[] = [
  {
    account: 'ann@example.com',
    status: 'complete',
    counters: { ...zeroCounters(), messages: 42, downloaded: 40 },
    completedAt: '2026-11-30T10:10:00Z',
    errors: [],
  },
  {
    account: 'bob@example.com',
    status: 'failed',
    counters: { ...zeroCounters(), errors: 1 },
    completedAt: '2026-11-30T10:02:00Z',
    errors: [{ code: 'CONNECT_FAILED', detail: 'source imap.old.example:993: connection refused' }],
  },
];
const events: NotificationEvent[] = [
  { kind: 'run-start', sync, run, accountCount: 2 },
  { kind: 'account-failed', sync, run, account: rows[1] },
  { kind: 'sync-stopped', sync, run, stoppedAt: '2026-11-30T10:20:00Z', stoppedBy: 'alice', accounts: rows },
  { kind: 'run-end', sync, run, accounts: rows },
];

before(async () => {
  cert = await testCertificate();
});

describe('mailer: plain SMTP (no TLS)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ disabledCommands: ['AUTH'] });
  });
  after(() => server.close());

  it('delivers each kind of notification to the recipients, with subject and table', async () => {
    const notifier = createSmtpNotifier(() => smtpOf(server.port), { hostname: 'migrator.test' });
    const outcomes = await Promise.all(events.map((event) => notifier.notify(event)));
    for (const [i, outcome] of outcomes.entries()) {
      assert.ok(outcome, 'an outcome for a sync with recipients');
      assert.equal(outcome.ok, true, outcome.detail);
      assert.equal(outcome.kind, events[i].kind);
      assert.deepEqual(outcome.recipients, sync.recipients);
      assert.equal(outcome.detail, 'to ops@example.com; boss@example.com');
      assert.ok(outcome.messageId);
    }
    assert.equal(server.received.length, 4);
    // Sent one at a time, in the order notified.
    const subjects = server.received.map((mail) => header(mail.raw, 'Subject'));
    assert.deepEqual(subjects, [
      '[imap-migrate] Sync SyncIdAbc123 (SyncAll from imap.old.example): run started (2 accounts)',
      '[imap-migrate] Sync SyncIdAbc123 (SyncAll from imap.old.example): account bob@example.com failed (CONNECT_FAILED)',
      '[imap-migrate] Sync SyncIdAbc123 (SyncAll from imap.old.example): stopped by alice (1 of 2 accounts complete)',
      '[imap-migrate] Sync SyncIdAbc123 (SyncAll from imap.old.example): run complete with errors (1 of 2 accounts failed)',
    ]);
    for (const mail of server.received) {
      assert.deepEqual(mail.to, ['ops@example.com', 'boss@example.com']);
      assert.equal(mail.from, 'imap-migrate@example.com');
      assert.equal(mail.secure, false);
      assert.equal(header(mail.raw, 'To'), 'ops@example.com, boss@example.com');
      assert.equal(header(mail.raw, 'From'), 'imap-migrate@example.com');
      assert.match(header(mail.raw, 'Content-Type') ?? '', /multipart\/alternative/);
    }
    const runEnd = textPart(server.received[3].raw);
    assert.match(
      runEnd,
      /^User +Status +Msgs +Msgs DL +Deleted +Duplicates - +Folders \+ +Folders - +Flags +Errors +Complete Time$/m,
    );
    assert.match(runEnd, /^ann@example\.com +Complete +42 +40 +0 +0 +0 +0 +0 +0 +2026-11-30 10:10:00$/m);
    assert.match(runEnd, /^bob@example\.com +Failed +0 +0 +0 +0 +0 +0 +0 +1 +2026-11-30 10:02:00$/m);
    assert.match(runEnd, /CONNECT_FAILED: source imap\.old\.example:993: connection refused/);
    assert.match(textPart(server.received[2].raw), /was stopped by alice at 2026-11-30 10:20:00 \+00:00/);
  });

  it('takes the sender from the options over the settings', async () => {
    const before = server.received.length;
    const result = await sendMail(
      smtpOf(server.port),
      ['x@example.com'],
      { subject: 's', text: 't' },
      { from: 'other@example.com' },
    );
    assert.equal(result.ok, true);
    assert.equal(server.received[before].from, 'other@example.com');
  });

  it('sends to the recipients the server takes and reports the ones it refuses', async () => {
    const refusing = await startServer({ disabledCommands: ['AUTH'], refuse: ['nobody@example.com'] });
    try {
      const notifier = createSmtpNotifier(() => smtpOf(refusing.port));
      const partly = await notifier.notify({
        ...events[0],
        sync: { ...sync, recipients: ['ops@example.com', 'nobody@example.com'] },
      });
      assert.equal(partly?.ok, true);
      assert.equal(partly?.detail, 'to ops@example.com; refused by the server: nobody@example.com');
      assert.deepEqual(refusing.received.at(-1)?.to, ['ops@example.com']);
      const none = await notifier.notify({ ...events[0], sync: { ...sync, recipients: ['nobody@example.com'] } });
      assert.equal(none?.ok, false);
      assert.match(
        none!.detail,
        new RegExp(`^SMTP 127\\.0\\.0\\.1:${refusing.port} \\(no TLS\\): .*nobody@example\\.com`),
      );
      // A refused recipient is no server failure: the next mail is tried again.
      const next = await notifier.notify(events[0]);
      assert.equal(next?.ok, true, next?.detail);
    } finally {
      await refusing.close();
    }
  });
});

describe('mailer: STARTTLS', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ authMethods: ['PLAIN', 'LOGIN'] });
  });
  after(() => server.close());

  it('refuses a self-signed certificate unless allowInvalidCert is set', async () => {
    const refused = await sendMail(smtpOf(server.port, { tls: 'starttls' }), ['ops@example.com'], {
      subject: 's',
      text: 't',
    });
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok);
    assert.match(
      refused.reason,
      new RegExp(`^SMTP 127\\.0\\.0\\.1:${server.port} \\(STARTTLS\\): TLS certificate not accepted \\(self-signed\\)`),
    );
    assert.match(refused.reason, /--allow-invalid-cert/);
    assert.equal(server.received.length, 0);

    const accepted = await sendMail(
      smtpOf(server.port, { tls: 'starttls', allowInvalidCert: true }),
      ['ops@example.com'],
      { subject: 's', text: 't' },
    );
    assert.equal(accepted.ok, true);
    assert.equal(server.received.at(-1)?.secure, true);
  });

  it('logs in with AUTH PLAIN, and with AUTH LOGIN when that is all the server offers', async () => {
    const smtp = smtpOf(server.port, { tls: 'starttls', allowInvalidCert: true, user: USER, password: PASSWORD });
    const plain = await sendMail(smtp, ['ops@example.com'], { subject: 'plain', text: 't' });
    assert.equal(plain.ok, true, plain.ok ? '' : plain.reason);
    assert.deepEqual(server.authAttempts.at(-1), { method: 'PLAIN', username: USER });
    assert.equal(server.received.at(-1)?.user, USER);

    const loginOnly = await startServer({ authMethods: ['LOGIN'] });
    try {
      const login = await sendMail({ ...smtp, port: loginOnly.port }, ['ops@example.com'], {
        subject: 'login',
        text: 't',
      });
      assert.equal(login.ok, true, login.ok ? '' : login.reason);
      assert.deepEqual(loginOnly.authAttempts, [{ method: 'LOGIN', username: USER }]);
      assert.equal(loginOnly.received[0].user, USER);
    } finally {
      await loginOnly.close();
    }
  });

  it('says the login was refused, naming the user and never the password', async () => {
    const wrong = 'Wr0ng-pa55word';
    const before = server.received.length;
    const result = await sendMail(
      smtpOf(server.port, { tls: 'starttls', allowInvalidCert: true, user: USER, password: wrong }),
      ['ops@example.com'],
      { subject: 's', text: 't' },
    );
    assert.ok(!result.ok);
    assert.match(
      result.reason,
      new RegExp(
        `^SMTP 127\\.0\\.0\\.1:${server.port} \\(STARTTLS\\): login refused for user notifier@example\\.com: 535`,
      ),
    );
    assert.ok(!result.reason.includes(wrong));
    assert.ok(!result.reason.includes(Buffer.from(wrong).toString('base64')));
    assert.equal(server.received.length, before);
  });

  it('never falls back to plaintext when the server does not offer STARTTLS', async () => {
    // Not advertised and refused when tried (nodemailer tries STARTTLS anyway when it is required).
    const hidden = await startServer({ hideSTARTTLS: true, disabledCommands: ['STARTTLS', 'AUTH'] });
    try {
      const result = await sendMail(
        smtpOf(hidden.port, { tls: 'starttls', allowInvalidCert: true }),
        ['ops@example.com'],
        { subject: 's', text: 't' },
      );
      assert.ok(!result.ok);
      assert.match(result.reason, new RegExp(`^SMTP 127\\.0\\.0\\.1:${hidden.port} \\(STARTTLS\\): .*STARTTLS`));
      assert.equal(hidden.received.length, 0);
      assert.match(result.reason, /not sending in plaintext$/);
    } finally {
      await hidden.close();
    }
  });
});

describe('mailer: implicit TLS', () => {
  it('delivers over TLS from the first byte, and refuses the self-signed certificate unless allowed', async () => {
    const server = await startServer({ secure: true, authMethods: ['PLAIN'] });
    try {
      const strict = await sendMail(smtpOf(server.port, { tls: 'tls' }), ['ops@example.com'], {
        subject: 's',
        text: 't',
      });
      assert.ok(!strict.ok);
      assert.match(
        strict.reason,
        new RegExp(`^SMTP 127\\.0\\.0\\.1:${server.port} \\(TLS\\): TLS certificate not accepted`),
      );

      const smtp = smtpOf(server.port, { tls: 'tls', allowInvalidCert: true, user: USER, password: PASSWORD });
      const notifier = createSmtpNotifier(() => smtp);
      const outcome = await notifier.notify(events[3]);
      assert.equal(outcome?.ok, true, outcome?.detail);
      assert.equal(server.received.length, 1);
      assert.equal(server.received[0].secure, true);
      assert.equal(server.received[0].user, USER);
      assert.match(textPart(server.received[0].raw), /^bob@example\.com +Failed /m);
    } finally {
      await server.close();
    }
  });
});

describe('mailer: servers that fail', () => {
  it('a refused connection fails fast with a clear reason', async () => {
    const port = await getFreePort();
    const started = Date.now();
    const result = await sendMail(smtpOf(port, { user: USER, password: PASSWORD }), ['ops@example.com'], {
      subject: 's',
      text: 't',
    });
    assert.ok(!result.ok);
    assert.equal(result.reason, `SMTP 127.0.0.1:${port} (no TLS): connection refused`);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it('a server that accepts but never answers fails within the bound', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, LOOPBACK, () => resolve()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const started = Date.now();
      const result = await sendMail(smtpOf(port), ['ops@example.com'], { subject: 's', text: 't' }, { timeoutMs: 700 });
      const took = Date.now() - started;
      assert.ok(!result.ok);
      assert.match(
        result.reason,
        new RegExp(
          `^SMTP 127\\.0\\.0\\.1:${port} \\(no TLS\\): (timed out waiting for the server greeting|no answer within 0\\.7 s)`,
        ),
      );
      assert.ok(took >= 600 && took < 2500, `took ${took} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('the notifier turns failures into outcomes, and does not retry a failed server at once', async () => {
    const port = await getFreePort();
    let calls = 0;
    const notifier = createSmtpNotifier(
      () => {
        calls++;
        return smtpOf(port);
      },
      { timeoutMs: 2000 },
    );
    const started = Date.now();
    const first = await notifier.notify(events[0]);
    assert.equal(first?.ok, false);
    assert.equal(first?.detail, `SMTP 127.0.0.1:${port} (no TLS): connection refused`);
    const second = await notifier.notify(events[1]);
    assert.equal(second?.ok, false);
    assert.match(
      second!.detail,
      /^SMTP 127\.0\.0\.1:\d+ \(no TLS\): connection refused \(not retried: the same failure \d+ s ago\)$/,
    );
    assert.equal(calls, 2);
    await notifier.idle();
    assert.ok(Date.now() - started < 2000);
  });

  it('without SMTP settings: a failed outcome that says what to do; without recipients: nothing', async () => {
    const notifier = createSmtpNotifier(() => undefined);
    const outcome = await notifier.notify(events[0]);
    assert.deepEqual(outcome, { kind: 'run-start', recipients: sync.recipients, ok: false, detail: NO_SMTP_DETAIL });
    assert.match(NO_SMTP_DETAIL, /^no SMTP server set; run `imap-migrate smtp set/);
    assert.equal(await notifier.notify({ ...events[0], sync: { ...sync, recipients: [] } }), undefined);
    const broken = createSmtpNotifier(() => {
      throw new Error('cannot open secret.key\nstack');
    });
    const unreadable = await broken.notify(events[0]);
    assert.deepEqual(unreadable && { ok: unreadable.ok, detail: unreadable.detail }, {
      ok: false,
      detail: 'cannot read the SMTP settings: cannot open secret.key',
    });
  });
});
