// A private, throw-away Dovecot 2.3 on loopback, for the integration tests and `imap-migrate demo`.
//
// Every instance lives in its own temp dir (config, base_dir, state, log, passwd-files,
// Maildirs), listens on free ports on 127.0.0.1 only, and never reads /etc/dovecot or touches
// the system service. Many instances can run at once, in one process or in several.
//
// How it is run:
// - `dovecot -F -c <our config>` under a small `sh` watchdog started in its own process group.
//   stop() SIGKILLs that whole group (Dovecot's own graceful shutdown takes 1-3 s; we delete
//   the data anyway). The watchdog also kills the group when our stdin pipe closes, so the
//   servers die with the test process even if it is SIGKILLed; an 'exit' handler kills the
//   ones still registered and removes their dirs.
// - As root (CI): Dovecot refuses mail processes running as root, so mail is stored as the
//   `mail` system user (fallback `nobody`); login and internal processes use `dovenull` and
//   `dovecot` when the package created them. As an ordinary user: every process runs as that
//   user (default_login_user, default_internal_user, mail_uid all set to it, no chroots).
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { getFreePorts, LOOPBACK } from './ports.ts';

export type SpecialFolder = 'Sent' | 'Drafts' | 'Trash' | 'Junk' | 'Archive';
export type TlsKind = 'plain' | 'tls' | 'starttls';

export interface DovecotUser {
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

export interface DovecotEndpoint {
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

/** Capabilities Dovecot 2.3.19 advertises after login with its defaults. SPECIAL-USE is added
 *  by Dovecot itself when special-use folders are configured, QUOTA by the imap_quota plugin. */
export const DOVECOT_DEFAULT_CAPABILITIES: readonly string[] = [
  'IMAP4rev1',
  'SASL-IR',
  'LOGIN-REFERRALS',
  'ID',
  'ENABLE',
  'IDLE',
  'SORT',
  'SORT=DISPLAY',
  'THREAD=REFERENCES',
  'THREAD=REFS',
  'THREAD=ORDEREDSUBJECT',
  'MULTIAPPEND',
  'URL-PARTIAL',
  'CATENATE',
  'UNSELECT',
  'CHILDREN',
  'NAMESPACE',
  'UIDPLUS',
  'LIST-EXTENDED',
  'I18NLEVEL=1',
  'CONDSTORE',
  'QRESYNC',
  'ESEARCH',
  'ESORT',
  'SEARCHRES',
  'WITHIN',
  'CONTEXT=SEARCH',
  'LIST-STATUS',
  'BINARY',
  'MOVE',
  'SNIPPET=FUZZY',
  'PREVIEW=FUZZY',
  'PREVIEW',
  'STATUS=SIZE',
  'SAVEDATE',
  'LITERAL+',
  'NOTIFY',
];

export const DEFAULT_SPECIAL_NAMES: Readonly<Record<SpecialFolder, string>> = {
  Sent: 'Sent',
  Drafts: 'Drafts',
  Trash: 'Trash',
  Junk: 'Junk',
  Archive: 'Archive',
};

const STARTUP_TIMEOUT_MS = 15_000;
const BIND_ATTEMPTS = 5;
const DIR_PREFIX = 'imap-migrate-dovecot-';

// ---------------------------------------------------------------------------------------------
// Binaries, identities, certificate (looked up once per process)

function findBinary(name: string, candidates: string[]): string {
  for (const candidate of candidates) if (fs.existsSync(candidate)) return candidate;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install Dovecot with: apt-get install dovecot-imapd`);
}

/** Whether Dovecot is installed here (the demo needs it). */
export function dovecotInstalled(): boolean {
  try {
    dovecotBinaries();
    return true;
  } catch {
    return false;
  }
}

let binaries: { dovecot: string; doveadm: string } | undefined;
function dovecotBinaries(): { dovecot: string; doveadm: string } {
  binaries ??= {
    dovecot: findBinary('dovecot', ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']),
    doveadm: findBinary('doveadm', ['/usr/bin/doveadm', '/usr/local/bin/doveadm']),
  };
  return binaries;
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

function getent(database: 'passwd' | 'group', key: string | number): string[] | undefined {
  try {
    const line = execFileSync('getent', [database, String(key)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return line.trim().split('\n')[0]?.split(':');
  } catch {
    return undefined;
  }
}

function account(name: string): Account | undefined {
  const fields = getent('passwd', name);
  return fields && fields.length >= 4 ? { name: fields[0], uid: Number(fields[2]), gid: Number(fields[3]) } : undefined;
}

interface RunAs {
  root: boolean;
  mail: Account;
  loginUser: string;
  internal: Account;
  internalGroup: string;
}

let runAsCache: RunAs | undefined;
function runAs(): RunAs {
  if (runAsCache) return runAsCache;
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) {
    const mail = account('mail') ?? account('nobody');
    if (!mail) throw new Error('Running as root needs a "mail" or "nobody" system user for the test Dovecot');
    const internal = account('dovecot') ?? mail;
    const loginUser = account('dovenull')?.name ?? mail.name;
    const internalGroup = getent('group', internal.gid)?.[0] ?? String(internal.gid);
    runAsCache = { root: true, mail, loginUser, internal, internalGroup };
  } else {
    const info = os.userInfo();
    const me: Account = { name: info.username, uid: info.uid, gid: info.gid };
    const group = getent('group', info.gid)?.[0] ?? String(info.gid);
    runAsCache = { root: false, mail: me, loginUser: me.name, internal: me, internalGroup: group };
  }
  return runAsCache;
}

let certPromise: Promise<{ cert: string; key: string }> | undefined;
/** One self-signed certificate (CN=localhost, SAN localhost and 127.0.0.1) per process. */
export function testCertificate(): Promise<{ cert: string; key: string }> {
  certPromise ??= (async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'imap-migrate-cert-'));
    try {
      const keyPath = path.join(dir, 'key.pem');
      const certPath = path.join(dir, 'cert.pem');
      await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '2',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ]);
      return { cert: await fsp.readFile(certPath, 'utf8'), key: await fsp.readFile(keyPath, 'utf8') };
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  })();
  certPromise.catch(() => {
    certPromise = undefined;
  });
  return certPromise;
}

function run(file: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as { code?: unknown }).code;
          reject(
            new Error(
              `${path.basename(file)} ${args.join(' ')} failed (${String(code ?? error.message)}): ${(stderr || stdout || error.message).trim()}`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Registry: whatever happens, no Dovecot outlives the process

interface Running {
  pgid: number;
  dir: string;
}
const running = new Set<Running>();
let exitHandlerInstalled = false;

function register(entry: Running): void {
  running.add(entry);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const item of running) {
      killGroup(item.pgid);
      try {
        fs.rmSync(item.dir, { recursive: true, force: true });
      } catch {
        // best effort at exit
      }
    }
    running.clear();
  });
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

let sweptStale = false;
/** Removes dirs of earlier test processes that died without cleaning up (their servers died
 *  with them through the watchdog). Only dirs whose owner process is gone are touched. */
function sweepStaleDirs(): void {
  if (sweptStale) return;
  sweptStale = true;
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(os.tmpdir(), name);
    try {
      const owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
      if (!owner || processAlive(owner)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, or being created right now
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Config

function assertSafePath(dir: string): void {
  if (!/^[\w./+-]+$/.test(dir)) {
    throw new Error(
      `Test Dovecot dir "${dir}" has characters that need quoting in dovecot.conf: set TMPDIR to a plain path`,
    );
  }
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function checkName(name: string, what: string): void {
  if (!name || /[:\s\0]/.test(name))
    throw new Error(`Invalid ${what} "${name}": no ':' or whitespace allowed in passwd-file names`);
}

function passwdLine(name: string, password: string, extra: string[] = []): string {
  const b64 = Buffer.from(password, 'utf8').toString('base64');
  return `${name}:{PLAIN.b64}${b64}::::::${extra.join(' ')}\n`;
}

/** The imap_capability value for these options, undefined to keep Dovecot's own list. An
 *  explicit list replaces everything, so the SPECIAL-USE and QUOTA that Dovecot would append
 *  itself are listed here (unless removed). */
export function capabilityString(
  options: Pick<DovecotOptions, 'capabilities' | 'imapCapability' | 'specialUse' | 'quota' | 'appendLimitBytes'>,
): string | undefined {
  if (options.imapCapability !== undefined) return options.imapCapability;
  if (!options.capabilities) return undefined;
  const remove = new Set((options.capabilities.remove ?? []).map((c) => c.toUpperCase()));
  const all = [...DOVECOT_DEFAULT_CAPABILITIES];
  if (options.specialUse !== false) all.push('SPECIAL-USE');
  if (options.quota || options.appendLimitBytes !== undefined) all.push('QUOTA');
  const list = all.filter((c) => !remove.has(c.toUpperCase()));
  for (const add of options.capabilities.add ?? []) if (!list.includes(add)) list.push(add);
  return list.join(' ');
}

interface ConfigInput {
  id: string;
  dir: string;
  port: number;
  tlsPort: number | undefined;
  options: DovecotOptions;
  separator: '/' | '.';
  who: RunAs;
}

function renderConfig({ id, dir, port, tlsPort, options, separator, who }: ConfigInput): string {
  const quota = options.quota === true || options.appendLimitBytes !== undefined;
  const ssl = options.tls === true || options.starttls === true;
  const capability = capabilityString(options);
  const lines: string[] = [
    '# Generated by test/helpers/dovecot.ts for one test instance. Not the system config.',
    `instance_name = imt-${id}`,
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `log_path = ${dir}/dovecot.log`,
    `info_log_path = ${dir}/dovecot.log`,
    `log_timestamp = "%Y-%m-%d %H:%M:%S "`,
    `login_greeting = imap-migrate test dovecot ${id} ready.`,
    `listen = ${LOOPBACK}`,
    'protocols = imap',
    'shutdown_clients = yes',
    `default_login_user = ${who.loginUser}`,
    `default_internal_user = ${who.internal.name}`,
    `default_internal_group = ${who.internalGroup}`,
    `mail_uid = ${who.mail.uid}`,
    `mail_gid = ${who.mail.gid}`,
    'first_valid_uid = 1',
    'first_valid_gid = 0',
    `mail_home = ${dir}/home/%u`,
    `mail_location = maildir:~/Maildir${separator === '/' ? ':LAYOUT=fs' : ''}`,
    'mail_fsync = never',
    'auth_mechanisms = plain login',
    'disable_plaintext_auth = no',
    'auth_failure_delay = 0',
    // Any character in a login name (Dovecot's default refuses quotes, backslashes and
    // non-ASCII), so that tests can try the names real servers accept.
    'auth_username_chars =',
    'auth_verbose = yes',
    `ssl = ${ssl ? 'yes' : 'no'}`,
  ];
  if (ssl) lines.push(`ssl_cert = <${dir}/cert.pem`, `ssl_key = <${dir}/key.pem`);
  if (options.debug) lines.push('auth_debug = yes', 'mail_debug = yes');
  if (quota) lines.push('mail_plugins = $mail_plugins quota');
  if (options.masterUser) {
    lines.push(
      'auth_master_user_separator = *',
      'passdb {',
      '  driver = passwd-file',
      '  master = yes',
      `  args = ${dir}/master-users`,
      '  result_success = continue',
      '}',
    );
  }
  lines.push(
    'passdb {',
    '  driver = passwd-file',
    `  args = ${dir}/users`,
    '}',
    'userdb {',
    '  driver = passwd-file',
    `  args = ${dir}/users`,
    '}',
    'service imap-login {',
    '  chroot =',
    '  inet_listener imap {',
    `    address = ${LOOPBACK}`,
    `    port = ${port}`,
    '  }',
    '  inet_listener imaps {',
    `    address = ${LOOPBACK}`,
    `    port = ${tlsPort ?? 0}`,
    '    ssl = yes',
    '  }',
    '}',
    'service anvil {',
    '  chroot =',
    // No auth penalty: after a failed login Dovecot delays every later login from the same IP
    // (here always 127.0.0.1) by 2-15 s. An auth process that cannot reach this socket skips
    // the penalty (login_trusted_networks no longer does in 2.3).
    '  unix_listener anvil-auth-penalty {',
    '    mode = 0',
    '  }',
    '}',
    'protocol imap {',
    `  mail_max_userip_connections = ${options.mailMaxUserIpConnections ?? 20}`,
  );
  if (quota) lines.push('  mail_plugins = $mail_plugins imap_quota');
  if (capability !== undefined) lines.push(`  imap_capability = ${capability}`);
  lines.push('}');
  if (quota) {
    lines.push('plugin {', '  quota = count:User quota', '  quota_vsizes = yes', '  quota_grace = 0');
    if (options.appendLimitBytes !== undefined) lines.push(`  quota_max_mail_size = ${options.appendLimitBytes}B`);
    lines.push('}');
  }
  lines.push('namespace inbox {', '  inbox = yes', `  separator = ${separator}`, '  prefix =');
  if (options.specialUse !== false) {
    const names = { ...DEFAULT_SPECIAL_NAMES, ...options.specialNames };
    for (const key of Object.keys(DEFAULT_SPECIAL_NAMES) as SpecialFolder[]) {
      lines.push(
        `  mailbox ${quote(names[key].split('/').join(separator))} {`,
        `    special_use = \\${key}`,
        `    auto = ${options.autoCreateSpecial === false ? 'no' : 'subscribe'}`,
        '  }',
      );
    }
  }
  lines.push('}', '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Start

// The watchdog: runs the master in the foreground; kills the whole process group when the
// master exits or when our end of stdin closes (test process gone).
const WATCHDOG = [
  'exec 3<&0',
  '"$0" -F -c "$1" </dev/null 3<&- &',
  'master=$!',
  '( cat <&3 >/dev/null 2>&1; kill -KILL 0 ) &',
  'exec 3<&-',
  'wait "$master"',
  'echo "dovecot master exited with status $?" >&2',
  'kill -KILL 0',
].join('\n');

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function readLog(logPath: string): string {
  try {
    return fs.readFileSync(logPath, 'utf8');
  } catch {
    return '';
  }
}

interface Launched {
  child: ChildProcess;
  exited: Promise<void>;
  stderr: () => string;
}

function launch(configPath: string): Launched {
  const { dovecot } = dovecotBinaries();
  const child = spawn('/bin/sh', ['-c', WATCHDOG, dovecot, configPath], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errText = '';
  const collect = (chunk: Buffer) => {
    errText = (errText + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  child.stdin!.on('error', () => {});
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
    child.once('error', (error) => {
      errText += `\n${error.message}`;
      resolve();
    });
  });
  // Don't keep the test process alive for a forgotten instance: when the process exits the
  // stdin pipe closes and the watchdog kills the group.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as unknown as { unref?: () => void })?.unref?.();
  return { child, exited, stderr: () => errText };
}

/** Resolves when the plain port greets with our own greeting, rejects when the server exits. */
async function waitForGreeting(port: number, id: string, launched: Launched, deadline: number): Promise<void> {
  let dead = false;
  void launched.exited.then(() => {
    dead = true;
  });
  while (!dead) {
    if (Date.now() > deadline) throw new Error(`no greeting within ${STARTUP_TIMEOUT_MS} ms`);
    const greeting = await readGreeting(port).catch(() => '');
    if (greeting.includes(`test dovecot ${id} ready`)) return;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  throw new Error('dovecot exited during startup');
}

function readGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: LOOPBACK });
    let text = '';
    const timer = setTimeout(() => finish(), 2000);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(text);
    };
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\n')) finish();
    });
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish());
  });
}

export async function startDovecot(options: DovecotOptions): Promise<Dovecot> {
  if (!options?.users) throw new Error('startDovecot: options.users is required');
  const who = runAs();
  dovecotBinaries();
  sweepStaleDirs();
  const separator = options.separator ?? '/';
  for (const user of options.users) checkName(user.name, 'user name');
  if (options.masterUser) checkName(options.masterUser.name, 'master user name');
  const needsCert = options.tls === true || options.starttls === true;
  const certPromiseLocal = needsCert ? testCertificate() : undefined;

  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), DIR_PREFIX));
  const id = crypto.randomBytes(4).toString('hex');
  const configPath = path.join(dir, 'dovecot.conf');
  const logPath = path.join(dir, 'dovecot.log');
  const usersPath = path.join(dir, 'users');
  const started = Date.now();
  let entry: Running | undefined;
  try {
    assertSafePath(dir);
    await fsp.writeFile(path.join(dir, 'owner.pid'), String(process.pid));
    await fsp.chmod(dir, 0o711);
    await fsp.mkdir(path.join(dir, 'home'), { mode: 0o700 });
    await fsp.mkdir(path.join(dir, 'state'), { mode: 0o755 });
    await fsp.chown(path.join(dir, 'home'), who.mail.uid, who.mail.gid);

    // Users (lower-cased: Dovecot's auth_username_format is %Lu).
    const quotas = new Map<string, number | undefined>();
    for (const user of options.users) quotas.set(user.name.toLowerCase(), user.quotaBytes);
    const passwords = new Map(options.users.map((u) => [u.name.toLowerCase(), u.password]));
    let usersMtime = 0;
    const writeUsers = async () => {
      const text = [...passwords]
        .map(([name, password]) => {
          const bytes = quotas.get(name);
          const extra =
            options.quota && bytes !== undefined
              ? [`userdb_quota_rule=*:storage=${Math.max(0, Math.floor(bytes))}B`]
              : [];
          return passwdLine(name, password, extra);
        })
        .join('');
      const tmp = `${usersPath}.${process.pid}.tmp`;
      await fsp.writeFile(tmp, text, { mode: 0o600 });
      await fsp.chown(tmp, who.internal.uid, who.internal.gid);
      // Dovecot reloads a passwd-file when its mtime (seconds) or size changes: force a new mtime.
      usersMtime = Math.max(Math.floor(Date.now() / 1000), usersMtime + 1);
      await fsp.utimes(tmp, usersMtime, usersMtime);
      await fsp.rename(tmp, usersPath);
    };
    await writeUsers();
    if (options.masterUser) {
      const masterPath = path.join(dir, 'master-users');
      await fsp.writeFile(masterPath, passwdLine(options.masterUser.name.toLowerCase(), options.masterUser.password), {
        mode: 0o600,
      });
      await fsp.chown(masterPath, who.internal.uid, who.internal.gid);
    }
    let certPem: string | undefined;
    if (certPromiseLocal) {
      const { cert, key } = await certPromiseLocal;
      certPem = cert;
      await fsp.writeFile(path.join(dir, 'cert.pem'), cert, { mode: 0o644 });
      await fsp.writeFile(path.join(dir, 'key.pem'), key, { mode: 0o600 });
    }

    // Start, with new ports when a port was taken between picking and binding.
    let launched: Launched | undefined;
    let port = 0;
    let tlsPort: number | undefined;
    for (let attempt = 1; ; attempt += 1) {
      [port, tlsPort] = await getFreePorts(options.tls ? 2 : 1);
      await fsp.writeFile(configPath, renderConfig({ id, dir, port, tlsPort, options, separator, who }), {
        mode: 0o600,
      });
      await fsp.rm(path.join(dir, 'run'), { recursive: true, force: true });
      await fsp.rm(logPath, { force: true });
      const attemptLaunch = launch(configPath);
      entry = { pgid: attemptLaunch.child.pid!, dir };
      if (attemptLaunch.child.pid) register(entry);
      try {
        await waitForGreeting(port, id, attemptLaunch, started + STARTUP_TIMEOUT_MS);
        launched = attemptLaunch;
        break;
      } catch (error) {
        killGroup(entry.pgid);
        await attemptLaunch.exited;
        running.delete(entry);
        const log = readLog(logPath);
        const details = `${tail(log)}\n${tail(attemptLaunch.stderr(), 10)}`.trim();
        if (/Address already in use/.test(details) && attempt < BIND_ATTEMPTS) continue;
        throw new Error(
          `Test Dovecot failed to start (${(error as Error).message}). Last lines of ${logPath} and its stderr:\n${details}`,
          { cause: error },
        );
      }
    }
    const startupMs = Date.now() - started;
    const pid = Number(readFileOr(path.join(dir, 'run', 'master.pid'), '0')) || launched.child.pid!;

    const doveadm = (args: string[]) => run(dovecotBinaries().doveadm, ['-c', configPath, ...args]);
    let stopping: Promise<void> | undefined;
    const instance: Dovecot = {
      host: LOOPBACK,
      port,
      tlsPort,
      certPem,
      separator,
      dir,
      logPath,
      configPath,
      pid,
      startupMs,
      users: options.users.map(({ name, password }) => ({ name, password })),
      masterUser: options.masterUser ? { ...options.masterUser } : undefined,
      endpoint(kind: TlsKind = 'plain', endpointOptions = {}) {
        const allowInvalidCert = endpointOptions.allowInvalidCert ?? false;
        if (kind === 'tls') {
          if (tlsPort === undefined)
            throw new Error('This test Dovecot has no implicit TLS listener: start it with { tls: true }');
          return { host: LOOPBACK, port: tlsPort, tls: 'tls', allowInvalidCert };
        }
        if (kind === 'starttls') {
          if (!options.starttls)
            throw new Error('This test Dovecot does not offer STARTTLS: start it with { starttls: true }');
          return { host: LOOPBACK, port, tls: 'starttls', allowInvalidCert };
        }
        return { host: LOOPBACK, port, tls: 'none', allowInvalidCert };
      },
      doveadm,
      async setQuota(user: string, bytes: number) {
        if (!options.quota) throw new Error('setQuota needs an instance started with { quota: true }');
        const key = user.toLowerCase();
        if (!passwords.has(key)) throw new Error(`setQuota: unknown user ${user}`);
        quotas.set(key, bytes);
        await writeUsers();
        // Dovecot stats a passwd-file at most once per second (per auth process): wait for the
        // next second so that the next login certainly re-reads it.
        const now = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000) + 20));
      },
      async kickAll(user?: string) {
        try {
          await doveadm(['kick', user ? user.toLowerCase() : '*']);
        } catch (error) {
          if (!/no users|not found/i.test((error as Error).message)) throw error;
        }
      },
      logTail(lines = 30) {
        return tail(readLog(logPath), lines);
      },
      stop() {
        stopping ??= (async () => {
          killGroup(entry!.pgid);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([launched!.exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
          clearTimeout(timer);
          running.delete(entry!);
          await fsp.rm(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
    return instance;
  } catch (error) {
    if (entry) {
      killGroup(entry.pgid);
      running.delete(entry);
    }
    await fsp.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function readFileOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}

/** Starts an instance, runs fn, and always stops the instance. */
export async function withDovecot<T>(options: DovecotOptions, fn: (dovecot: Dovecot) => Promise<T> | T): Promise<T> {
  const dovecot = await startDovecot(options);
  try {
    return await fn(dovecot);
  } finally {
    await dovecot.stop();
  }
}
