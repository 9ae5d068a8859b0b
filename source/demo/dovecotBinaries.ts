// What a private Dovecot needs from the machine, looked up once per process: the dovecot and
// doveadm binaries, the system users its processes run as, a self-signed certificate, and a
// way to run a tool with its error output in the failure.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

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
export function dovecotBinaries(): { dovecot: string; doveadm: string } {
  binaries ??= {
    dovecot: findBinary('dovecot', ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']),
    doveadm: findBinary('doveadm', ['/usr/bin/doveadm', '/usr/local/bin/doveadm']),
  };
  return binaries;
}

export interface Account {
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

export interface RunAs {
  root: boolean;
  mail: Account;
  loginUser: string;
  internal: Account;
  internalGroup: string;
}

let runAsCache: RunAs | undefined;
export function runAs(): RunAs {
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

export function run(file: string, args: string[], timeoutMs = 30_000): Promise<string> {
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
