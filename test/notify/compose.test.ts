// The notification mails (docs/spec.md N1), built from plain data: no I/O.
process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACCOUNT_COLUMNS,
  accountTable,
  composeNotification,
  type NotifyAccountRow,
  type NotifySync,
} from '../../source/notify/compose.ts';
import { notifyRowOf, notifySyncOf, outcomeNote, recipientsOf } from '../../source/notify/notifier.ts';
import { zeroCounters, type Counters } from '../../source/engine/types.ts';

const sync: NotifySync = {
  id: '9lRuXq2bVw7Kc0aZ',
  modeLabel: 'SyncNew',
  sourceHost: 'imap.old.example',
  dryRun: false,
  recipients: ['ops@example.com', 'boss@example.com'],
};

function counters(partial: Partial<Counters>): Counters {
  return { ...zeroCounters(), ...partial };
}

const rows: NotifyAccountRow[] = [
  {
    account: 'ann@example.com',
    status: 'complete',
    counters: counters({ messages: 1234, downloaded: 1200, flagsChanged: 3, foldersCreated: 7 }),
    completedAt: '2026-11-30T10:15:00Z',
    errors: [],
  },
  {
    account: 'bob.longer-name@example.com',
    status: 'failed',
    counters: counters({ errors: 1 }),
    completedAt: '2026-11-30T10:01:02Z',
    errors: [
      {
        code: 'AUTH_FAILED',
        detail: 'source: LOGIN refused: [AUTHENTICATIONFAILED] Authentication failed.',
        at: '2026-11-30T10:01:02Z',
      },
    ],
  },
  {
    account: 'cy@example.com',
    status: 'complete',
    counters: counters({ messages: 5, downloaded: 4, errors: 1, duplicatesDeleted: 2 }),
    completedAt: '2026-11-30T10:20:00Z',
    errors: [{ code: 'APPEND_FAILED', detail: 'INBOX UID 17: NO message too big', at: '2026-11-30T10:19:00Z' }],
  },
];

const run = { startedAt: '2026-11-30T10:00:00Z', completedAt: '2026-11-30T10:20:30Z', status: 'Complete with errors' };

/** Column [start, end) offsets from the dashed rule under the header. */
function columnsOf(rule: string): [number, number][] {
  return [...rule.matchAll(/-+/g)].map((m) => [m.index!, m.index! + m[0].length]);
}

describe('compose: run start', () => {
  it('names the sync, its mode, source and accounts, and does not speak of a dry run', () => {
    const mail = composeNotification({
      kind: 'run-start',
      sync,
      run: { startedAt: run.startedAt },
      accountCount: 40,
      threads: 4,
    });
    assert.equal(
      mail.subject,
      '[imap-migrate] Sync 9lRuXq2bVw7Kc0aZ (SyncNew from imap.old.example): run started (40 accounts)',
    );
    assert.match(mail.text, /^Run started: +2026-11-30 10:00:00 \+00:00$/m);
    assert.match(mail.text, /^Accounts: +40$/m);
    assert.match(mail.text, /^Threads: +4$/m);
    assert.match(mail.text, /^Dry run: +No$/m);
    assert.doesNotMatch(mail.text, /DRY RUN/);
    assert.match(mail.text, /imap-migrate sync show 9lRuXq2bVw7Kc0aZ/);
  });
});

describe('compose: run end', () => {
  const mail = composeNotification({ kind: 'run-end', sync, run, accounts: rows });

  it('has a subject that says how many accounts failed', () => {
    assert.equal(
      mail.subject,
      '[imap-migrate] Sync 9lRuXq2bVw7Kc0aZ (SyncNew from imap.old.example): run complete with errors (1 of 3 accounts failed)',
    );
  });

  it('counts errors when no account failed, and says complete when all is well', () => {
    const noFail = composeNotification({ kind: 'run-end', sync, run, accounts: [rows[0], rows[2]] });
    assert.match(noFail.subject, /: run complete with errors \(1 error in 1 of 2 accounts\)$/);
    const clean = composeNotification({
      kind: 'run-end',
      sync,
      run: { ...run, status: 'Complete' },
      accounts: [rows[0]],
    });
    assert.match(clean.subject, /: run complete \(1 account\)$/);
    assert.doesNotMatch(clean.text, /^Errors:/m);
  });

  it('carries the summary: status, times, running time, account counts', () => {
    assert.match(mail.text, /^Status: +Complete with errors$/m);
    assert.match(mail.text, /^Run ended: +2026-11-30 10:20:30 \+00:00$/m);
    assert.match(mail.text, /^Running time: +20 min 30 s$/m);
    assert.match(mail.text, /^Accounts: +2 complete, 1 failed, 3 in all$/m);
  });

  it('has the per-account table with every column, aligned, and a total row', () => {
    const lines = mail.text.split('\n');
    const headerAt = lines.findIndex((line) => line.startsWith('User'));
    assert.ok(headerAt > 0, 'table header present');
    const header = lines[headerAt];
    const rule = lines[headerAt + 1];
    const cols = columnsOf(rule);
    assert.equal(cols.length, ACCOUNT_COLUMNS.length);
    const cell = (line: string, i: number) => line.padEnd(rule.length).slice(cols[i][0], cols[i][1]);
    assert.deepEqual(
      cols.map((_, i) => cell(header, i).trim()),
      [...ACCOUNT_COLUMNS],
    );

    const body = lines.slice(headerAt + 2, headerAt + 2 + rows.length);
    const expected = [
      ['ann@example.com', 'Complete', '1234', '1200', '0', '0', '7', '0', '3', '0', '2026-11-30 10:15:00'],
      ['bob.longer-name@example.com', 'Failed', '0', '0', '0', '0', '0', '0', '0', '1', '2026-11-30 10:01:02'],
      ['cy@example.com', 'Complete', '5', '4', '0', '2', '0', '0', '0', '1', '2026-11-30 10:20:00'],
    ];
    for (const [r, line] of body.entries()) {
      assert.deepEqual(
        cols.map((_, i) => cell(line, i).trim()),
        expected[r],
        line,
      );
      // Nothing but spaces between columns; text left-aligned, numbers right-aligned.
      for (let i = 1; i < cols.length; i++)
        assert.match(line.padEnd(rule.length).slice(cols[i - 1][1], cols[i][0]), /^ +$/);
      for (let i = 0; i < cols.length; i++) {
        const text = cell(line, i);
        if (i >= 2 && i <= 9)
          assert.match(text, /\S$/, `column ${ACCOUNT_COLUMNS[i]} right-aligned in ${JSON.stringify(line)}`);
        else assert.match(text, /^\S/, `column ${ACCOUNT_COLUMNS[i]} left-aligned`);
      }
    }
    assert.equal(lines[headerAt + 2 + rows.length], rule, 'a rule above the totals');
    const total = lines[headerAt + 3 + rows.length];
    assert.deepEqual(
      cols.map((_, i) => cell(total, i).trim()),
      ['Total (3 accounts)', '', '1239', '1204', '0', '2', '7', '0', '3', '2', ''],
    );
  });

  it('lists the errors of failed accounts first, with their codes', () => {
    const errors = mail.text.slice(mail.text.indexOf('\nErrors:'));
    assert.ok(errors.length > 0);
    assert.ok(errors.indexOf('bob.longer-name@example.com (Failed):') < errors.indexOf('cy@example.com (Complete):'));
    assert.match(
      errors,
      /^ {2}2026-11-30 10:01:02 {2}AUTH_FAILED: source: LOGIN refused: \[AUTHENTICATIONFAILED\] Authentication failed\.$/m,
    );
    assert.match(errors, /APPEND_FAILED: INBOX UID 17: NO message too big/);
    assert.doesNotMatch(errors, /ann@example\.com/);
  });

  it('caps a long error list', () => {
    const many = {
      ...rows[1],
      errors: Array.from({ length: 25 }, (_, i) => ({ code: 'FETCH_FAILED', detail: `UID ${i}` })),
    };
    const capped = composeNotification({ kind: 'run-end', sync, run, accounts: [many] });
    assert.equal(capped.text.match(/FETCH_FAILED: UID/g)?.length, 10);
    assert.match(capped.text, /\.\.\. and 15 more/);
  });

  it('has an HTML body holding the same text in <pre>, escaped', () => {
    const odd = composeNotification({
      kind: 'run-end',
      sync,
      run,
      accounts: [{ ...rows[1], account: '<b>x</b>@example.com' }],
    });
    assert.match(odd.html, /<pre[^>]*>/);
    assert.match(odd.html, /&lt;b&gt;x&lt;\/b&gt;@example\.com/);
    assert.doesNotMatch(odd.html, /<b>x/);
  });
});

describe('compose: account failed', () => {
  it('names the account and its error codes and details', () => {
    const mail = composeNotification({ kind: 'account-failed', sync, run, account: rows[1] });
    assert.equal(
      mail.subject,
      '[imap-migrate] Sync 9lRuXq2bVw7Kc0aZ (SyncNew from imap.old.example): account bob.longer-name@example.com failed (AUTH_FAILED)',
    );
    assert.match(
      mail.text,
      /Account bob\.longer-name@example\.com failed in sync 9lRuXq2bVw7Kc0aZ; the other accounts go on\./,
    );
    assert.match(mail.text, /^Error codes: +AUTH_FAILED$/m);
    assert.match(mail.text, /^Failed at: +2026-11-30 10:01:02 \+00:00$/m);
    assert.match(mail.text, /AUTH_FAILED: source: LOGIN refused/);
  });
});

describe('compose: sync stopped', () => {
  it('says who stopped it, when, and the progress so far', () => {
    const progress = [
      rows[0],
      { ...rows[2], status: 'stopped', completedAt: undefined, errors: [] },
      { ...rows[1], status: 'pending', errors: [], counters: zeroCounters() },
    ];
    const mail = composeNotification({
      kind: 'sync-stopped',
      sync,
      run,
      stoppedAt: '2026-11-30T10:05:00Z',
      stoppedBy: 'alice',
      accounts: progress,
    });
    assert.equal(
      mail.subject,
      '[imap-migrate] Sync 9lRuXq2bVw7Kc0aZ (SyncNew from imap.old.example): stopped by alice (1 of 3 accounts complete)',
    );
    assert.match(mail.text, /was stopped by alice at 2026-11-30 10:05:00 \+00:00/);
    assert.match(mail.text, /^Accounts: +1 complete, 0 failed, 2 not finished, 3 in all$/m);
    assert.match(mail.text, /^Running time: +5 min 0 s$/m);
    assert.match(mail.text, /^Progress so far:$/m);
    assert.match(mail.text, /^cy@example\.com +Stopped /m);
    const bySystem = composeNotification({
      kind: 'sync-stopped',
      sync,
      run,
      stoppedAt: '2026-11-30T10:05:00Z',
      accounts: progress,
    });
    assert.match(bySystem.subject, /: stopped by the system \(/);
  });
});

describe('compose: dry run', () => {
  it('says clearly in every kind that nothing was changed', () => {
    const dry = { ...sync, dryRun: true };
    const mails = [
      composeNotification({ kind: 'run-start', sync: dry, run, accountCount: 3 }),
      composeNotification({ kind: 'run-end', sync: dry, run, accounts: rows }),
      composeNotification({ kind: 'account-failed', sync: dry, run, account: rows[1] }),
      composeNotification({ kind: 'sync-stopped', sync: dry, run, stoppedAt: run.completedAt, accounts: rows }),
    ];
    for (const mail of mails) {
      assert.match(mail.subject, /^\[imap-migrate\] \[DRY RUN\] Sync /);
      assert.match(mail.text, /^DRY RUN: nothing was changed on the destination\./);
      assert.match(mail.text, /^Dry run: +Yes \(nothing is changed on the destination\)$/m);
    }
  });
});

describe('compose: never a password', () => {
  it('masks passwords passed in by mistake, wherever they are and wherever they would show', () => {
    const secrets = ['S3cret-Admin!', 'remote-pa55', 'smtp-Pw-99'];
    // A whole SyncRecord-like object where NotifySync belongs, with its credentials.
    const careless = {
      ...sync,
      sourceAdmin: { user: 'master', password: secrets[0] },
      accounts: [{ email: 'ann@example.com', remoteUser: 'ann', remotePassword: secrets[1] }],
      smtp: { host: 'smtp.example', pass: secrets[2] },
    } as NotifySync;
    const leaky: NotifyAccountRow = {
      ...rows[1],
      errors: [{ code: 'AUTH_FAILED', detail: `LOGIN master ${secrets[0]} refused; remote-pa55 too; smtp-Pw-99` }],
    };
    const mails = [
      composeNotification({ kind: 'run-start', sync: careless, run, accountCount: 1 }),
      composeNotification({ kind: 'run-end', sync: careless, run, accounts: [leaky] }),
      composeNotification({
        kind: 'account-failed',
        sync: careless,
        run,
        account: { ...leaky, account: `x${secrets[1]}@example.com` },
      }),
      composeNotification({
        kind: 'sync-stopped',
        sync: careless,
        run,
        stoppedAt: run.completedAt,
        stoppedBy: secrets[2],
        accounts: [leaky],
      }),
    ];
    for (const mail of mails) {
      for (const secret of secrets) {
        for (const part of [mail.subject, mail.text, mail.html]) assert.ok(!part.includes(secret), `${secret} leaked`);
      }
    }
    assert.match(mails[1].text, /LOGIN master \*\*\*\*\*\*\*\* refused/);
  });

  it('builds its inputs from records without copying credentials', () => {
    const record = {
      id: 'abc',
      mode: 'flags-new' as const,
      source: { host: 'imap.old.example', port: 993, tls: 'tls' as const, allowInvalidCert: false },
      dryRun: true,
      notify: ['a@x.example'],
      sourceAdmin: { user: 'm', password: 'hunter22' },
    };
    const notifySync = notifySyncOf(record);
    assert.deepEqual(notifySync, {
      id: 'abc',
      modeLabel: 'SyncFlagNew',
      sourceHost: 'imap.old.example',
      dryRun: true,
      recipients: ['a@x.example'],
    });
    const row = notifyRowOf({
      ...rows[1],
      errors: [{ at: 'T', code: 'AUTH_FAILED', detail: 'd' }],
      log: [{ at: 'T', text: 'x' }],
    } as never);
    assert.deepEqual(Object.keys(row).sort(), ['account', 'completedAt', 'counters', 'errors', 'status']);
  });
});

describe('compose: headers stay one line', () => {
  it('turns line breaks in data into spaces', () => {
    const mail = composeNotification({
      kind: 'account-failed',
      sync,
      run,
      account: { ...rows[1], account: 'evil@example.com\r\nBcc: victim@example.com' },
    });
    assert.doesNotMatch(mail.subject, /[\r\n]/);
    assert.match(mail.subject, /evil@example\.com Bcc: victim@example\.com failed/);
  });
});

describe('notifier helpers', () => {
  it('dedupes recipients and writes history notes', () => {
    assert.deepEqual(
      recipientsOf({
        kind: 'run-start',
        sync: { ...sync, recipients: [' a@x ', 'A@x', '', 'b@y'] },
        run,
        accountCount: 1,
      }),
      ['a@x', 'b@y'],
    );
    assert.equal(
      outcomeNote({ kind: 'run-end', recipients: ['a@x', 'b@y'], ok: true, detail: 'to a@x; b@y' }),
      'Run end: sent to a@x; b@y',
    );
    assert.equal(
      outcomeNote({
        kind: 'account-failed',
        recipients: ['a@x'],
        ok: false,
        detail: 'SMTP h:25 (no TLS): connection refused',
      }),
      'Account failed: not sent to a@x: SMTP h:25 (no TLS): connection refused',
    );
  });

  it('the table alone has the same header as the CLI', () => {
    const [header] = accountTable([]);
    assert.deepEqual(header.split(/ {2,}/), [...ACCOUNT_COLUMNS]);
  });
});
