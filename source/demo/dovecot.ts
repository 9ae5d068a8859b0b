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
//
// The parts: dovecotTypes (options and handle), dovecotBinaries (binaries, system users,
// certificate), dovecotConfig (dovecot.conf and passwd-file text), dovecotLaunch (watchdog and
// greeting), dovecotRegistry (cleanup at exit); this module puts them together.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { dovecotBinaries, run, runAs, testCertificate } from './dovecotBinaries.ts';
import { assertSafePath, checkName, passwdLine, renderConfig } from './dovecotConfig.ts';
import { launch, readLog, tail, waitForGreeting, type Launched } from './dovecotLaunch.ts';
import { DIR_PREFIX, killGroup, register, sweepStaleDirs, unregister, type Running } from './dovecotRegistry.ts';
import type { Dovecot, DovecotOptions, TlsKind } from './dovecotTypes.ts';
import { getFreePorts, LOOPBACK } from './ports.ts';

export { dovecotInstalled, testCertificate } from './dovecotBinaries.ts';
export { capabilityString } from './dovecotConfig.ts';
export type { Dovecot, DovecotOptions, TlsKind } from './dovecotTypes.ts';

const STARTUP_TIMEOUT_MS = 15_000;
const BIND_ATTEMPTS = 5;

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
        await waitForGreeting(port, id, attemptLaunch, started + STARTUP_TIMEOUT_MS, STARTUP_TIMEOUT_MS);
        launched = attemptLaunch;
        break;
      } catch (error) {
        killGroup(entry.pgid);
        await attemptLaunch.exited;
        unregister(entry);
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
          unregister(entry!);
          await fsp.rm(dir, { recursive: true, force: true });
        })();
        return stopping;
      },
    };
    return instance;
  } catch (error) {
    if (entry) {
      killGroup(entry.pgid);
      unregister(entry);
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
