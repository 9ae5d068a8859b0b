// Opening IMAP connections with imapflow, and turning its failures into the stable
// error codes of docs/spec.md A2 with a one-line reason a sysadmin can act on.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { describeEndpoint, type LoginCredentials, type ServerEndpoint } from './endpoint.ts';

export type ImapErrorCode =
  'AUTH_FAILED' | 'CONNECT_FAILED' | 'TLS_FAILED' | 'CONNECTION_LOST' | 'OVERQUOTA' | 'PROTOCOL_ERROR';

/** An IMAP failure with a stable code; `message` is one line and never holds a secret. */
export class ImapError extends Error {
  constructor(
    readonly code: ImapErrorCode,
    message: string,
    /** Whether trying again later may succeed (a dropped connection) or not (a refused login). */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ImapError';
  }
}

export interface OpenOptions {
  /** Milliseconds to wait for TCP + greeting. */
  connectTimeoutMs?: number;
  /** Milliseconds without traffic before the socket counts as lost. */
  socketTimeoutMs?: number;
  /** Receives imapflow's log lines (never credentials: imapflow masks them). */
  log?: (level: string, message: string) => void;
}

export function imapFlowOptions(
  endpoint: ServerEndpoint,
  credentials: LoginCredentials,
  options: OpenOptions = {},
): ImapFlowOptions {
  const log = options.log;
  const logger = log
    ? {
        debug: () => undefined,
        info: () => undefined,
        warn: (entry: { msg?: string }) => log('warn', String(entry?.msg ?? '')),
        error: (entry: { msg?: string }) => log('error', String(entry?.msg ?? '')),
      }
    : false;
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.tls === 'tls',
    // A chosen STARTTLS must never fall back to plaintext; "none" must never upgrade.
    doSTARTTLS: endpoint.tls === 'starttls' ? true : endpoint.tls === 'none' ? false : undefined,
    tls: { rejectUnauthorized: !endpoint.allowInvalidCert },
    auth: {
      user: credentials.user,
      pass: credentials.password,
      ...(credentials.authzid ? { authzid: credentials.authzid, loginMethod: 'AUTH=PLAIN' } : {}),
    },
    logger: logger as ImapFlowOptions['logger'],
    disableAutoIdle: true,
    // Compression costs CPU on both ends of a loopback/LAN migration and gains little.
    disableCompression: true,
    connectionTimeout: options.connectTimeoutMs ?? 30_000,
    greetingTimeout: options.connectTimeoutMs ?? 30_000,
    socketTimeout: options.socketTimeoutMs ?? 5 * 60_000,
    clientInfo: { name: 'imap-migrate' },
  };
}

/**
 * Connects and logs in. The returned client always has an 'error' listener (an unhandled
 * socket error would otherwise end the process); a closed client cannot be reused.
 */
export async function openImap(
  endpoint: ServerEndpoint,
  credentials: LoginCredentials,
  options: OpenOptions = {},
): Promise<ImapFlow> {
  const client = new ImapFlow(imapFlowOptions(endpoint, credentials, options));
  client.on('error', (error: unknown) => {
    options.log?.('error', classifyImapError(error, endpoint, credentials).message);
  });
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw classifyImapError(error, endpoint, credentials);
  }
  return client;
}

const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ClosedAfterConnectTLS',
  'UPGRADE_TIMEOUT',
  'STARTTLS_INJECTION',
]);

const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'ClosedAfterConnectText',
]);

const LOST_ERROR_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEOUT',
  'ETIMEDOUT',
  'NoConnection',
  'EConnectionClosed',
  'StateLogout',
]);

/** One line of at most 300 characters, without a trailing period (a "; hint" follows). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300).replace(/\.$/, '');
}

/** Removes every occurrence of the password, whatever the server echoed back. */
function scrub(text: string, credentials?: LoginCredentials): string {
  if (!credentials?.password) return text;
  return text.split(credentials.password).join('***');
}

/** Maps anything imapflow or the socket threw to an ImapError with a stable code. */
export function classifyImapError(error: unknown, endpoint: ServerEndpoint, credentials?: LoginCredentials): ImapError {
  if (error instanceof ImapError) return error;
  const e = (error ?? {}) as {
    code?: string;
    message?: string;
    authenticationFailed?: boolean;
    responseText?: string;
    serverResponseCode?: string;
    reason?: string;
  };
  const where = describeEndpoint(endpoint);
  const code = e.code ?? '';
  const detail = scrub(oneLine(e.responseText || e.message || String(error)), credentials);
  const who = credentials
    ? credentials.authzid
      ? `${credentials.authzid} (as ${credentials.user})`
      : credentials.user
    : '';
  if (
    e.authenticationFailed ||
    e.serverResponseCode === 'AUTHENTICATIONFAILED' ||
    e.serverResponseCode === 'AUTHORIZATIONFAILED'
  ) {
    return new ImapError(
      'AUTH_FAILED',
      `login as ${who} refused by ${where}: ${detail || 'authentication failed'}; check the username and password`,
      false,
    );
  }
  if (/STARTTLS/i.test(detail) && /support|offer|not/i.test(detail)) {
    return new ImapError(
      'TLS_FAILED',
      `${where} does not offer STARTTLS; choose TLS mode "tls" (implicit TLS, usually port 993) or "none"`,
      false,
    );
  }
  if (
    TLS_ERROR_CODES.has(code) ||
    /certificate|ssl|tls|handshake|wrong version number/i.test(code + ' ' + (e.message ?? ''))
  ) {
    const hint = /cert|self.signed|verify|altname/i.test(code + detail)
      ? 'the certificate does not verify; fix it, or allow an invalid certificate for this server explicitly'
      : 'check the port and TLS mode';
    return new ImapError('TLS_FAILED', `TLS with ${where} failed: ${detail}; ${hint}`, false);
  }
  if (CONNECT_ERROR_CODES.has(code)) {
    return new ImapError(
      'CONNECT_FAILED',
      `cannot connect to ${where}: ${detail}; check the host, port and TLS mode`,
      true,
    );
  }
  if (LOST_ERROR_CODES.has(code) || /connection (closed|reset|lost)|socket/i.test(detail)) {
    return new ImapError('CONNECTION_LOST', `connection to ${where} lost: ${detail}`, true);
  }
  if (e.serverResponseCode === 'OVERQUOTA' || /quota/i.test(detail)) {
    return new ImapError('OVERQUOTA', `${where} refused: mailbox over quota (${detail})`, false);
  }
  return new ImapError('PROTOCOL_ERROR', `${where}: ${detail}`, false);
}

export type LoginTestResult = { ok: true; capabilities: string[] } | { ok: false; code: ImapErrorCode; reason: string };

/** Connects, logs in and logs out: OK with the server's capabilities, or the reason. */
export async function testLogin(
  endpoint: ServerEndpoint,
  credentials: LoginCredentials,
  options: OpenOptions = {},
): Promise<LoginTestResult> {
  try {
    const client = await openImap(endpoint, credentials, { connectTimeoutMs: 15_000, ...options });
    const capabilities = [...client.capabilities.keys()];
    await client.logout().catch(() => client.close());
    return { ok: true, capabilities };
  } catch (error) {
    const classified = classifyImapError(error, endpoint, credentials);
    return { ok: false, code: classified.code, reason: classified.message };
  }
}
