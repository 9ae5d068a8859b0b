// Sends one mail through the SMTP settings (docs/spec.md C3) with nodemailer. Never throws for an
// SMTP problem: the result says what went wrong in one line that names host:port and never
// a password. Every wait is bounded, and so is the whole send.
import os from 'node:os';
import type nodemailer from 'nodemailer';
import type { SmtpSettings } from '../store/settings.ts';
import { replaceControlCharacters } from '../shared/text.ts';

export interface MailContent {
  subject: string;
  text: string;
  html?: string;
}

export type SendResult =
  | {
      ok: true;
      messageId: string;
      /** Recipients the server accepted. */
      accepted: string[];
      /** Recipients the server refused while accepting others (the mail went to the rest). */
      rejected: string[];
    }
  | {
      ok: false;
      reason: string;
      /**
       * True when the server itself failed (unreachable, TLS, login, no answer): another mail
       * would fail the same way. False when only this mail or its recipients were refused.
       */
      serverFailure: boolean;
    };

export interface SendOptions {
  /** Bound on the whole send (connect, TLS, login, DATA) and on each wait within it. Default 15 s. */
  timeoutMs?: number;
  /** Sender address; defaults to the settings' `from`. */
  from?: string;
  /** Name given in EHLO; defaults to the machine's host name. */
  hostname?: string;
}

export const DEFAULT_SEND_TIMEOUT_MS = 15_000;

/** `smtp.example.com:587 (STARTTLS)`: how reasons name the server. */
function describeSmtp(smtp: Pick<SmtpSettings, 'host' | 'port' | 'tls'>): string {
  const mode = smtp.tls === 'none' ? 'no TLS' : smtp.tls === 'tls' ? 'TLS' : 'STARTTLS';
  return `${smtp.host}:${smtp.port} (${mode})`;
}

/** The nodemailer transport options of the settings. */
function transportOptions(smtp: SmtpSettings, options: SendOptions = {}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  return {
    host: smtp.host,
    port: smtp.port,
    // `tls`: implicit TLS. `starttls`: STARTTLS required, never plaintext. `none`: never TLS.
    secure: smtp.tls === 'tls',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    opportunisticTLS: false,
    // Certificates are verified unless the settings say otherwise; servername for SNI.
    tls: {
      ...(smtp.allowInvalidCert ? { rejectUnauthorized: false } : {}),
      servername: isIp(smtp.host) ? undefined : smtp.host,
    },
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    name: options.hostname ?? os.hostname(),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    socketCloseTimeout: 1000,
    logger: false,
    debug: false,
  } as const;
}

export async function sendMail(
  smtp: SmtpSettings,
  to: string[],
  content: MailContent,
  options: SendOptions = {},
): Promise<SendResult> {
  const where = `SMTP ${describeSmtp(smtp)}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const fail = (reason: string, serverFailure = true): SendResult => ({
    ok: false,
    reason: scrub(`${where}: ${reason}`, smtp),
    serverFailure,
  });
  if (to.length === 0) return fail('no recipients', false);

  let transporter: ReturnType<typeof nodemailer.createTransport> | undefined;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    // Loaded on the first mail: most runs send none, and nodemailer costs ~13 MB.
    const { default: mailer } = await import('nodemailer');
    transporter = mailer.createTransport(transportOptions(smtp, options));
    const sending = transporter.sendMail({
      from: options.from ?? smtp.from,
      to,
      subject: content.subject,
      text: content.text,
      ...(content.html !== undefined ? { html: content.html } : {}),
      signal: abort.signal,
    });
    // The library bounds each wait; this bounds the whole, whatever happens inside it.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(Object.assign(new Error('deadline'), { code: 'DEADLINE' }));
      }, timeoutMs);
      timer.unref();
    });
    sending.catch(() => {}); // a rejection after the deadline is not unhandled
    const info = await Promise.race([sending, deadline]);
    const accepted = addresses(info.accepted);
    const rejected = addresses(info.rejected);
    if (accepted.length === 0)
      return fail(`every recipient was refused: ${rejected.join(', ') || to.join(', ')}`, false);
    return { ok: true, messageId: String(info.messageId ?? ''), accepted, rejected };
  } catch (error) {
    const code = (error as MailError | undefined)?.code;
    return fail(explain(error, smtp, timeoutMs), !(code === 'EENVELOPE' || code === 'EMESSAGE'));
  } finally {
    if (timer) clearTimeout(timer);
    try {
      transporter?.close();
    } catch {
      // closing a transport that never connected: nothing to do
    }
  }
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((item) =>
    typeof item === 'string' ? item : String((item as { address?: unknown })?.address ?? item),
  );
}

interface MailError {
  message?: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  timeoutType?: string;
  rejected?: string[];
}

/** One line saying what failed, for a person: no stack, no password. */
function explain(error: unknown, smtp: SmtpSettings, timeoutMs: number): string {
  const e = (error ?? {}) as MailError;
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const server = e.response ? `: ${e.response}` : '';
  const cause = e.originalCode ?? '';
  const message = String(e.message ?? error);
  if (e.code === 'DEADLINE' || e.code === 'EABORT') return `no answer within ${seconds}; mail not sent`;
  if (cause === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) return 'connection refused';
  if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN' || e.code === 'EDNS') return `cannot resolve host ${smtp.host}`;
  if (cause === 'EHOSTUNREACH' || cause === 'ENETUNREACH') return 'host unreachable';
  if (e.code === 'ETIMEDOUT') {
    const what =
      e.timeoutType === 'CONNECT_TIMEOUT'
        ? 'connecting'
        : e.timeoutType === 'GREETING_TIMEOUT'
          ? 'waiting for the server greeting'
          : e.timeoutType === 'UPGRADE_TIMEOUT'
            ? 'during the TLS handshake'
            : 'waiting for the server';
    return `timed out ${what} (${seconds})`;
  }
  if (e.code === 'EAUTH') return `login refused for user ${smtp.user ?? '?'}${server || `: ${message}`}`;
  if (e.code === 'ENOAUTH')
    return 'the server asks for a login and none is set; give --user and a password to `imap-migrate smtp set`';
  if (isCertificateProblem(e, message)) {
    return `TLS certificate not accepted (${certificateReason(e, message, smtp.host)}); fix the certificate or use --allow-invalid-cert with \`imap-migrate smtp set\``;
  }
  if (e.code === 'ETLS' || /STARTTLS/i.test(message)) {
    if (smtp.tls === 'starttls' && /STARTTLS/i.test(message))
      return `the server does not offer STARTTLS (${firstLine(message)}); not sending in plaintext`;
    return `TLS failed: ${firstLine(message)}`;
  }
  if (e.code === 'EENVELOPE') {
    const who = e.rejected && e.rejected.length > 0 ? ` (${e.rejected.join(', ')})` : '';
    return `recipients or sender refused${who}${server || `: ${message}`}`;
  }
  if (e.code === 'EMESSAGE' || e.command === 'DATA') return `message refused${server || `: ${message}`}`;
  if (e.code === 'ECONNECTION' || cause === 'ECONNRESET' || cause === 'EPIPE')
    return `connection closed by the server (${firstLine(message)})`;
  if (e.code === 'EPROTOCOL') return `unexpected answer${server || `: ${message}`}`;
  if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return `TLS failed: ${firstLine(message)} (is the TLS mode right for this port?)`;
  }
  return firstLine(message);
}

const CERT_CODES =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH/i;

function isCertificateProblem(e: MailError, message: string): boolean {
  return CERT_CODES.test(e.originalCode ?? '') || /self[- ]signed|certificate|altnames/i.test(message);
}

function certificateReason(e: MailError, message: string, host: string): string {
  if (/self[- ]signed/i.test(message) || /SELF_SIGNED/.test(e.originalCode ?? '')) return 'self-signed';
  if (/altnames|ALTNAME/i.test(message + (e.originalCode ?? ''))) return `not issued for ${host}`;
  if (/expired/i.test(message)) return 'expired';
  return firstLine(message);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** The password, and the forms AUTH would send it in, never reach a reason. */
function scrub(text: string, smtp: SmtpSettings): string {
  let result = replaceControlCharacters(text, ' ').replace(/\s+/g, ' ').trim();
  const password = smtp.password;
  if (password && password.length > 0) {
    const forms = [
      password,
      Buffer.from(password).toString('base64'),
      Buffer.from(`\u0000${smtp.user ?? ''}\u0000${password}`).toString('base64'),
    ];
    for (const form of forms) result = result.split(form).join('********');
  }
  return result;
}
