// The options and the handle of a private test Dovecot (see dovecot.ts): plain types, no I/O.
export type SpecialFolder = 'Sent' | 'Drafts' | 'Trash' | 'Junk' | 'Archive';
export type TlsKind = 'plain' | 'tls' | 'starttls';

interface DovecotUser {
  name: string;
  password: string;
  /** Storage limit in bytes, used when the instance has `quota: true`. */
  quotaBytes?: number;
}

export interface DovecotOptions {
  users: DovecotUser[];
  /** Hierarchy separator of the inbox namespace. '/' uses Maildir LAYOUT=fs, '.' Maildir++. */
  separator?: '/' | '.';
  /** Define Sent, Drafts, Trash, Junk, Archive with their special-use flags (default true). */
  specialUse?: boolean;
  /** Create (and subscribe) the special-use folders on first login (default true). */
  autoCreateSpecial?: boolean;
  /** Other names for the special-use folders, e.g. { Sent: 'Sent Items' } ('/' separates levels). */
  specialNames?: Partial<Record<SpecialFolder, string>>;
  /** Quota plugin (count backend) with each user's quotaBytes as the storage limit. */
  quota?: boolean;
  /** A master user: log in as `user*master` or SASL PLAIN with authzid = the user. */
  masterUser?: { name: string; password: string };
  /** Implicit TLS listener on its own port (self-signed cert). Note: Dovecot then offers
   *  STARTTLS on the plain port too, whatever `starttls` says (its `ssl` setting is global). */
  tls?: boolean;
  /** Offer STARTTLS on the plain port (ssl = yes). */
  starttls?: boolean;
  /** Hide capabilities from the default list (e.g. ['CONDSTORE', 'QRESYNC', 'SPECIAL-USE'])
   *  or add some. Hiding only changes what is advertised: Dovecot still accepts the commands. */
  capabilities?: { remove?: string[]; add?: string[] };
  /** Verbatim `imap_capability` (wins over `capabilities`). */
  imapCapability?: string;
  /** mail_max_userip_connections (default 20; Dovecot's own default is 10). */
  mailMaxUserIpConnections?: number;
  /** Largest message accepted by APPEND (quota_max_mail_size: loads the quota plugin and
   *  therefore advertises QUOTA). Larger appends fail with a NO, not [OVERQUOTA]. */
  appendLimitBytes?: number;
  /** auth_debug + mail_debug into the log. */
  debug?: boolean;
}

interface DovecotEndpoint {
  host: string;
  port: number;
  tls: 'none' | 'starttls' | 'tls';
  allowInvalidCert: boolean;
}

export interface Dovecot {
  host: '127.0.0.1';
  port: number;
  tlsPort?: number;
  certPem?: string;
  separator: '/' | '.';
  dir: string;
  logPath: string;
  configPath: string;
  /** Pid of the Dovecot master process. */
  pid: number;
  users: { name: string; password: string }[];
  masterUser?: { name: string; password: string };
  /** Milliseconds from spawn to the first greeting. */
  startupMs: number;
  /** Connection details for the engine: plain (default), implicit TLS or STARTTLS. */
  endpoint(kind?: TlsKind, options?: { allowInvalidCert?: boolean }): DovecotEndpoint;
  /** Runs `doveadm -c <this config> ...args` and returns its stdout. */
  doveadm(args: string[]): Promise<string>;
  /** Sets the user's storage quota; new logins see it (existing sessions keep the old one). */
  setQuota(user: string, bytes: number): Promise<void>;
  /** Drops the IMAP connections of one user, or of everyone. */
  kickAll(user?: string): Promise<void>;
  /** Last lines of the Dovecot log. */
  logTail(lines?: number): string;
  /** Kills the instance and removes its dir. Idempotent. */
  stop(): Promise<void>;
}
