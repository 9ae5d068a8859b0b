// The notification port of the sync lifecycle (docs/spec.md N1): the engine hands it an event, it
// composes the mail and sends it through the SMTP settings, and says what happened so the
// caller can write the `Notification Sent` history entry.
//
// A failing SMTP server never blocks or fails a sync: notify() never rejects, each send is
// bounded in time, sends go one at a time in the order notified, and after a failure the
// same server is not tried again for a while (later mails fail at once with the same reason).
import crypto from 'node:crypto';
import type { AccountRunRecord, SyncRecord } from '../engine/syncModel.ts';
import { MODE_LABELS, type SyncMode } from '../engine/types.ts';
import type { NotificationKind } from '../engine/syncManager.ts';
import type { SmtpSettings } from '../store/settings.ts';
import { composeNotification, type NotificationEvent, type NotifyAccountRow, type NotifySync } from './compose.ts';
import { DEFAULT_SEND_TIMEOUT_MS, sendMail, type MailContent, type SendOptions, type SendResult } from './mailer.ts';

export type { NotificationEvent, NotifyAccountRow, NotifyError, NotifyRun, NotifySync } from './compose.ts';

export interface NotificationOutcome {
  kind: NotificationKind;
  recipients: string[];
  ok: boolean;
  /** For the history note: `to a@x; b@y` when sent, else the reason (one line, no password). */
  detail: string;
  /** The Message-ID of the mail sent. */
  messageId?: string;
}

export interface Notifier {
  /** Resolves with the outcome, or undefined when the sync has no recipients. Never rejects. */
  notify(event: NotificationEvent): Promise<NotificationOutcome | undefined>;
  /** Resolves when every notification handed in so far is settled (e.g. before the process exits). */
  idle(): Promise<void>;
}

export const NO_SMTP_DETAIL = 'no SMTP server set; run `imap-migrate smtp set --host H --from ADDR ...`';

/** After a failed send, the same settings are not tried again for this long. */
const DEFAULT_FAILURE_COOLDOWN_MS = 60_000;

export interface SmtpNotifierOptions {
  /** Sender; defaults to the settings' `from`. */
  from?: string;
  /** EHLO name; defaults to the machine's host name. */
  hostname?: string;
  /** Bound on one send. Default 15 s. */
  timeoutMs?: number;
  /** See DEFAULT_FAILURE_COOLDOWN_MS; 0 retries every time. */
  failureCooldownMs?: number;
  /** The sender (tests may replace it). */
  send?: (smtp: SmtpSettings, to: string[], content: MailContent, options: SendOptions) => Promise<SendResult>;
  /** The clock (tests). */
  now?: () => number;
}

export function createSmtpNotifier(
  getSmtp: () => SmtpSettings | undefined,
  options: SmtpNotifierOptions = {},
): Notifier {
  const send = options.send ?? sendMail;
  const now = options.now ?? Date.now;
  const cooldownMs = options.failureCooldownMs ?? DEFAULT_FAILURE_COOLDOWN_MS;
  let queue: Promise<unknown> = Promise.resolve();
  let lastFailure: { key: string; at: number; reason: string } | undefined;

  async function deliver(event: NotificationEvent, recipients: string[]): Promise<NotificationOutcome> {
    const outcome = (ok: boolean, detail: string, messageId?: string): NotificationOutcome => ({
      kind: event.kind,
      recipients,
      ok,
      detail,
      ...(messageId ? { messageId } : {}),
    });
    let smtp: SmtpSettings | undefined;
    try {
      smtp = getSmtp();
    } catch (error) {
      return outcome(false, `cannot read the SMTP settings: ${firstLine(error)}`);
    }
    if (!smtp) return outcome(false, NO_SMTP_DETAIL);

    const key = settingsKey(smtp);
    if (lastFailure && lastFailure.key === key && now() - lastFailure.at < cooldownMs) {
      const ago = Math.max(0, Math.round((now() - lastFailure.at) / 1000));
      return outcome(false, `${lastFailure.reason} (not retried: the same failure ${ago} s ago)`);
    }

    let content: MailContent;
    try {
      content = composeNotification(event);
    } catch (error) {
      return outcome(false, `cannot compose the ${event.kind} mail: ${firstLine(error)}`);
    }
    let result: SendResult;
    try {
      result = await send(smtp, recipients, content, {
        timeoutMs: options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
        ...(options.from !== undefined ? { from: options.from } : {}),
        ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
      });
    } catch (error) {
      result = { ok: false, reason: firstLine(error), serverFailure: false };
    }
    if (!result.ok) {
      if (result.serverFailure) lastFailure = { key, at: now(), reason: result.reason };
      return outcome(false, result.reason);
    }
    lastFailure = undefined;
    const refused = result.rejected.length > 0 ? `; refused by the server: ${result.rejected.join('; ')}` : '';
    return outcome(true, `to ${result.accepted.join('; ')}${refused}`, result.messageId);
  }

  return {
    notify(event) {
      const recipients = recipientsOf(event);
      if (recipients.length === 0) return Promise.resolve(undefined);
      const result = queue
        .then(() => deliver(event, recipients))
        .catch((error): NotificationOutcome => ({ kind: event.kind, recipients, ok: false, detail: firstLine(error) }));
      queue = result;
      return result;
    },
    idle() {
      return queue.then(
        () => undefined,
        () => undefined,
      );
    },
  };
}

/** The recipients of an event: trimmed, without duplicates (case-insensitive), in order. */
export function recipientsOf(event: NotificationEvent): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of event.sync.recipients ?? []) {
    const address = String(raw).trim();
    if (address.length === 0 || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    result.push(address);
  }
  return result;
}

/** What a notification says about a sync, from its record (no credential is copied). */
export function notifySyncOf(sync: Pick<SyncRecord, 'id' | 'mode' | 'source' | 'dryRun' | 'notify'>): NotifySync {
  return {
    id: sync.id,
    modeLabel: MODE_LABELS[sync.mode as SyncMode] ?? String(sync.mode),
    sourceHost: sync.source.host,
    dryRun: sync.dryRun,
    recipients: [...sync.notify],
  };
}

/** A table row from an account's run record or an engine AccountResult (log lines are left out). */
export function notifyRowOf(
  record: Pick<AccountRunRecord, 'account' | 'status' | 'counters' | 'completedAt' | 'errors'>,
): NotifyAccountRow {
  return {
    account: record.account,
    status: record.status,
    counters: { ...record.counters },
    ...(record.completedAt ? { completedAt: record.completedAt } : {}),
    errors: record.errors.map((line) => ({ code: line.code, detail: line.detail, at: line.at })),
  };
}

const KIND_NAMES: Record<NotificationKind, string> = {
  'run-start': 'Run start',
  'run-end': 'Run end',
  'account-failed': 'Account failed',
  'sync-stopped': 'Sync stopped',
};

/** A history note for the `Notification Sent` entry, e.g. `Run end: sent to a@x; b@y`. */
export function outcomeNote(outcome: NotificationOutcome): string {
  return outcome.ok
    ? `${KIND_NAMES[outcome.kind]}: sent ${outcome.detail}`
    : `${KIND_NAMES[outcome.kind]}: not sent to ${outcome.recipients.join('; ')}: ${outcome.detail}`;
}

function settingsKey(smtp: SmtpSettings): string {
  const { host, port, tls, allowInvalidCert, user, password, from } = smtp;
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([host, port, tls, allowInvalidCert, user, password, from]))
    .digest('hex');
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]
    .trim();
}
