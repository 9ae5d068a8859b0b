// Starting the Dovecot master under a watchdog in its own process group, and waiting for its
// greeting; its log, read back for the error of a failed start.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { dovecotBinaries } from './dovecotBinaries.ts';
import { LOOPBACK } from './ports.ts';

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

export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function readLog(logPath: string): string {
  try {
    return fs.readFileSync(logPath, 'utf8');
  } catch {
    return '';
  }
}

export interface Launched {
  child: ChildProcess;
  exited: Promise<void>;
  stderr: () => string;
}

export function launch(configPath: string): Launched {
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
export async function waitForGreeting(
  port: number,
  id: string,
  launched: Launched,
  deadline: number,
  timeoutMs: number,
): Promise<void> {
  let dead = false;
  void launched.exited.then(() => {
    dead = true;
  });
  while (!dead) {
    if (Date.now() > deadline) throw new Error(`no greeting within ${timeoutMs} ms`);
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
