// Where an IMAP server listens, how to talk to it and who logs in: plain data, so that the
// CLI's validators, the store and the UI can name it without loading imapflow.
// The TLS modes and their default ports live in source/shared (the dashboard's forms use them).
import type { TlsMode } from '../shared/fields.ts';
export { defaultPort, TLS_MODES, type TlsMode } from '../shared/fields.ts';

/** Where a server listens and how to talk to it (docs/spec.md C1, W1). */
export interface ServerEndpoint {
  host: string;
  port: number;
  tls: TlsMode;
  /** Accept a certificate that does not verify (self-signed, wrong name). Off unless chosen. */
  allowInvalidCert: boolean;
}

/**
 * Who logs in. With `authzid` set, `user`/`password` are an admin (master) login that
 * authorizes as `authzid` through SASL PLAIN, as Dovecot master users and Cyrus admins accept.
 */
export interface LoginCredentials {
  user: string;
  password: string;
  authzid?: string;
}

export function describeEndpoint(endpoint: ServerEndpoint): string {
  return `${endpoint.host}:${endpoint.port} (${endpoint.tls === 'none' ? 'no TLS' : endpoint.tls === 'tls' ? 'TLS' : 'STARTTLS'})`;
}
