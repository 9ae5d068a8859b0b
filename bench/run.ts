// `npm run bench -- [small|medium|big] [--threads 1,4] [--tools imap-migrate,mbsync]
//                   [--delay-ms N] [--scenarios S1,S2,S3] [--connections N] [--json FILE]`
//
// Starts private Dovecots with the test fixture, generates a deterministic corpus, and measures
// imap-migrate (the real CLI, as a child process) and mbsync (IMAP store to IMAP store, N
// processes) in the same run: S1 initial copy, S2 re-run without change, S3 after flag changes
// on 1 % and 1 % new messages. After every scenario the destination is checked against the
// source byte for byte (hash of every raw message, flags, INTERNALDATE). imap-migrate must pass
// the check (the bench exits 1 otherwise); mbsync's differences are counted and shown.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDovecot, type Dovecot } from '../test/helpers/dovecot.ts';
import { connectAs } from '../test/helpers/mail.ts';
import { accountMessages, benchUsers, FOLDERS, PROFILES, rng, type BenchUser, type Profile } from './corpus.ts';
import { startDelayProxy, type DelayProxy } from './delayProxy.ts';
import { encodeMutf7, fingerprintFolder, RawImap, type MessageFingerprint } from './rawImap.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_SEPARATOR = '.';
const DEST_SEPARATOR = '/';

type Tool = 'imap-migrate' | 'mbsync';
type Scenario = 'S1' | 'S2' | 'S3';

interface Args {
  profile: Profile;
  threads: number[];
  tools: Tool[];
  scenarios: Scenario[];
  delayMs: number;
  json: string;
  keep: boolean;
  /** Where the mail and data go (default /dev/shm, a tmpfs). */
  tmpdir?: string;
  /** Runs of S2 and of S3 (the table shows the median). */
  repeat: number;
  /** imap-migrate's connections per user on each server (the sync's setting); undefined: its default. */
  connections?: number;
  /** Extra NODE_OPTIONS for the imap-migrate process (node arguments of `sync run`, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
  nodeOptions: string;
}

function parseArgs(argv: string[]): Args {
  let profile = PROFILES.small;
  let threads = [1, 4];
  let tools: Tool[] = ['imap-migrate', 'mbsync'];
  let scenarios: Scenario[] = ['S1', 'S2', 'S3'];
  let delayMs = 0;
  let json = '';
  let keep = false;
  let tmpdir: string | undefined;
  let repeat = 3;
  let connections: number | undefined;
  // The flags the installed bin runs with (its shebang line); --node-options replaces them.
  let nodeOptions = '--max-semi-space-size=1';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (PROFILES[arg]) profile = PROFILES[arg];
    else if (arg === '--threads') threads = value().split(',').map(Number);
    else if (arg === '--tools') tools = value().split(',') as Tool[];
    else if (arg === '--scenarios') scenarios = value().split(',') as Scenario[];
    else if (arg === '--delay-ms') delayMs = Number(value());
    else if (arg === '--json') json = value();
    else if (arg === '--keep') keep = true;
    else if (arg === '--tmpdir') tmpdir = value();
    else if (arg === '--repeat') repeat = Math.max(1, Number(value()));
    else if (arg === '--connections') connections = Number(value());
    else if (arg === '--node-options') nodeOptions = value();
    else
      throw new Error(
        `unknown argument ${arg}; usage: npm run bench -- [small|medium|big] [--threads 1,4] [--tools imap-migrate,mbsync] [--delay-ms N] [--scenarios S1,S2,S3] [--connections N] [--repeat N] [--tmpdir DIR] [--json FILE]`,
      );
  }
  json ||= path.join(
    ROOT,
    'bench',
    'results',
    `${profile.name}${delayMs ? `-delay${delayMs}` : ''}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  );
  return { profile, threads, tools, scenarios, delayMs, json, keep, nodeOptions, connections, tmpdir, repeat };
}

function log(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

function sh(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Corpus

interface CorpusTotals {
  messages: number;
  bytes: number;
}

function serverFolder(folder: string): string {
  return encodeMutf7(folder.split('/').join(SOURCE_SEPARATOR));
}

async function seedAccount(
  dovecot: Dovecot,
  profile: Profile,
  index: number,
  user: BenchUser,
  generation: number,
): Promise<CorpusTotals> {
  const client = await RawImap.connect(dovecot.host, dovecot.port);
  const totals = { messages: 0, bytes: 0 };
  try {
    await client.login(user.name, user.password);
    if (generation === 0) {
      for (const folder of FOLDERS) {
        if (folder.path === 'INBOX') continue;
        const parts = folder.path.split('/');
        for (let depth = 1; depth <= parts.length; depth++) {
          const name = serverFolder(parts.slice(0, depth).join('/'));
          await client.command(`CREATE "${name}"`).catch(() => undefined);
          await client.command(`SUBSCRIBE "${name}"`).catch(() => undefined);
        }
      }
    }
    const byFolder = new Map<string, { raw: Buffer; flags: string[]; internalDate: Date }[]>();
    let pendingBytes = 0;
    const flush = async () => {
      for (const [folder, messages] of byFolder) await client.multiAppend(serverFolder(folder), messages);
      byFolder.clear();
      pendingBytes = 0;
    };
    for (const message of accountMessages(profile, index, generation)) {
      const list = byFolder.get(message.folder) ?? [];
      list.push(message);
      byFolder.set(message.folder, list);
      totals.messages += 1;
      totals.bytes += message.raw.length;
      pendingBytes += message.raw.length;
      if (pendingBytes > 16 * 1024 * 1024) await flush();
    }
    await flush();
  } finally {
    await client.close();
  }
  return totals;
}

async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index], index);
      }
    }),
  );
  return results;
}

// S3: flags changed on 1 % of each account's messages, 1 % new messages.
async function mutateSource(
  dovecot: Dovecot,
  profile: Profile,
): Promise<{ flagChanges: number; newMessages: number; newBytes: number }> {
  const users = benchUsers(profile);
  let flagChanges = 0;
  const added = await pool(users, 4, async (user, index) => {
    const client = await connectAs(dovecot, user.name, user.password);
    try {
      const random = rng(0xf1a9 + index);
      const folders = (await client.list()).filter((f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent'));
      const all: { path: string; uid: number; flags: string[] }[] = [];
      for (const folder of folders) {
        const box = await client.mailboxOpen(folder.path, { readOnly: true });
        if (!box.exists) continue;
        for (const row of await client.fetchAll('1:*', { uid: true, flags: true }))
          all.push({ path: folder.path, uid: row.uid, flags: [...(row.flags ?? [])] });
      }
      const count = Math.max(1, Math.round(all.length * 0.01));
      const chosen = new Set<number>();
      while (chosen.size < count) chosen.add(Math.floor(random() * all.length));
      for (const i of [...chosen].sort((a, b) => a - b)) {
        const message = all[i];
        await client.mailboxOpen(message.path);
        const seen = message.flags.includes('\\Seen');
        const next = message.flags.filter((f) => f !== '\\Seen' && f !== '\\Recent');
        if (!seen) next.push('\\Seen');
        if (random() < 0.5) next.push('$Label2');
        await client.messageFlagsSet(String(message.uid), next.length ? next : ['\\Answered'], { uid: true });
        flagChanges += 1;
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return seedAccount(dovecot, profile, index, user, 1);
  });
  return {
    flagChanges,
    newMessages: added.reduce((s, t) => s + t.messages, 0),
    newBytes: added.reduce((s, t) => s + t.bytes, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// The byte-for-byte check

function normalize(pathName: string, delimiter: string): string {
  const joined = delimiter && delimiter !== '/' ? pathName.split(delimiter).join('/') : pathName;
  return joined.toUpperCase() === 'INBOX' ? 'INBOX' : joined.replace(/^INBOX\//i, 'INBOX/');
}

async function fingerprintAccount(dovecot: Dovecot, user: BenchUser): Promise<Map<string, MessageFingerprint[]>> {
  const lister = await connectAs(dovecot, user.name, user.password);
  let folders;
  try {
    folders = (await lister.list()).filter((f) => !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent'));
  } finally {
    await lister.logout().catch(() => lister.close());
  }
  const raw = await RawImap.connect(dovecot.host, dovecot.port);
  const result = new Map<string, MessageFingerprint[]>();
  try {
    await raw.login(user.name, user.password);
    for (const folder of folders)
      result.set(normalize(folder.path, folder.delimiter), await fingerprintFolder(raw, folder.pathAsListed));
  } finally {
    await raw.close();
  }
  return result;
}

function key(m: MessageFingerprint): string {
  return `${m.sha256}|${m.flags.join(' ')}|${m.internalDate}`;
}

/** Differences between the source and the destination, per account and folder ([] when equal). */
async function verify(source: Dovecot, destination: Dovecot, profile: Profile): Promise<string[]> {
  const diffs: string[] = [];
  await pool(benchUsers(profile), 2, async (user) => {
    const [a, b] = await Promise.all([fingerprintAccount(source, user), fingerprintAccount(destination, user)]);
    for (const [folder, messages] of a) {
      const other = b.get(folder);
      if (!other) {
        diffs.push(`${user.name} "${folder}": missing on the destination (${messages.length} messages)`);
        continue;
      }
      const counts = new Map<string, number>();
      for (const m of messages) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
      for (const m of other) counts.set(key(m), (counts.get(key(m)) ?? 0) - 1);
      for (const [k, n] of counts) {
        if (n === 0) continue;
        diffs.push(
          `${user.name} "${folder}": ${n > 0 ? `${n} missing or different on the destination` : `${-n} extra or different on the destination`}: ${k.slice(0, 12)}…|${k.split('|').slice(1).join('|')}`,
        );
      }
    }
    for (const [folder, messages] of b) {
      if (!a.has(folder) && messages.length > 0)
        diffs.push(`${user.name} "${folder}": only on the destination (${messages.length} messages)`);
    }
  });
  return diffs;
}

// ---------------------------------------------------------------------------------------------
// Running the tools, timed, with peak RSS

interface Timed {
  wallMs: number;
  /** From the first account's start to the last one's end (imap-migrate only). */
  engineMs?: number;
  /** Largest peak RSS of any one process (KiB). */
  peakRssKb: number;
  /** CPU time (user + system) of the tool's processes, summed: steadier than wall on a shared machine. */
  cpuMs: number;
  stdout: string;
}

/** Runs a command under GNU time; returns wall time and the child's peak RSS (VmHWM). */
function timed(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Timed & { code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '@@RSS %M %U %S', file, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const measured = /@@RSS (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      const rss = Number(measured?.[1] ?? 0);
      const cpuMs = Math.round((Number(measured?.[2] ?? 0) + Number(measured?.[3] ?? 0)) * 1000);
      resolve({
        wallMs,
        peakRssKb: rss,
        cpuMs,
        stdout,
        stderr: stderr.replace(/@@RSS [\d. ]+\n?/, ''),
        code: code ?? -1,
      });
    });
  });
}

interface ToolRunner {
  prepare(): Promise<void>;
  run(threads: number): Promise<Timed>;
}

class ImapMigrate implements ToolRunner {
  private syncId = '';
  private readonly env: NodeJS.ProcessEnv;
  constructor(
    private readonly dataDir: string,
    private readonly source: { port: number },
    private readonly destination: { port: number },
    private readonly users: BenchUser[],
    private readonly threads: number,
    private readonly nodeOptions: string,
    private readonly connections: number | undefined,
  ) {
    this.env = { ...process.env };
    delete this.env.IMAP_MIGRATE_KEY;
  }

  private cli(args: string[]): Promise<string> {
    return sh(process.execPath, [path.join(ROOT, 'bin', 'imap-migrate.js'), '--data-dir', this.dataDir, ...args], {
      env: this.env,
      cwd: ROOT,
    });
  }

  async prepare(): Promise<void> {
    await this.cli([
      'destination',
      'set',
      '--host',
      '127.0.0.1',
      '--port',
      String(this.destination.port),
      '--tls',
      'none',
    ]);
    const csv = path.join(this.dataDir, '..', 'accounts.csv');
    await fsp.writeFile(
      csv,
      ['email,password,admin', ...this.users.map((u) => `${u.name},${u.password},false`)].join('\n') + '\n',
    );
    await this.cli(['accounts', 'import', csv]);
    const out = await this.cli([
      'sync',
      'create',
      '--host',
      '127.0.0.1',
      '--port',
      String(this.source.port),
      '--tls',
      'none',
      '--mode',
      'flags-new',
      '--no-dry-run',
      '--threads',
      String(this.threads),
      '--start',
      'manual',
      '--json',
      ...(this.connections ? ['--connections', String(this.connections)] : []),
    ]);
    this.syncId = JSON.parse(out).id;
  }

  async run(threads: number): Promise<Timed> {
    const nodeArgs = this.nodeOptions ? this.nodeOptions.split(/\s+/) : [];
    const result = await timed(
      process.execPath,
      [
        ...nodeArgs,
        path.join(ROOT, 'bin', 'imap-migrate.js'),
        '--data-dir',
        this.dataDir,
        'sync',
        'run',
        this.syncId,
        '--threads',
        String(threads),
        '--json',
      ],
      this.env,
    );
    if (result.code !== 0)
      throw new Error(`imap-migrate sync run exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
    // The accounts' own start and end: the rest of the wall time is the process starting and stopping.
    try {
      const out = JSON.parse(result.stdout) as { accounts: { startedAt?: string; completedAt?: string }[] };
      const starts = out.accounts.map((a) => Date.parse(a.startedAt ?? '')).filter(Number.isFinite);
      const ends = out.accounts.map((a) => Date.parse(a.completedAt ?? '')).filter(Number.isFinite);
      if (starts.length && ends.length) result.engineMs = Math.max(...ends) - Math.min(...starts);
    } catch {
      // not JSON: leave it out
    }
    const memwatch = /memwatch peaks: .*/.exec(result.stderr);
    if (memwatch) log(memwatch[0]);
    return result;
  }
}

class Mbsync implements ToolRunner {
  private readonly config: string;
  constructor(
    private readonly dir: string,
    private readonly source: { port: number },
    private readonly destination: { port: number },
    private readonly users: BenchUser[],
  ) {
    this.config = path.join(dir, 'mbsyncrc');
  }

  async prepare(): Promise<void> {
    const blocks: string[] = [];
    for (const [i, user] of this.users.entries()) {
      await fsp.mkdir(path.join(this.dir, 'state', `u${i}`), { recursive: true });
      for (const [side, port] of [
        ['far', this.source.port],
        ['near', this.destination.port],
      ] as const) {
        blocks.push(
          `IMAPAccount ${side}${i}`,
          'Host 127.0.0.1',
          `Port ${port}`,
          `User ${user.name}`,
          `Pass ${user.password}`,
          'SSLType None',
          'AuthMechs LOGIN',
          '',
          `IMAPStore ${side}${i}`,
          `Account ${side}${i}`,
          '',
        );
      }
      blocks.push(
        `Channel u${i}`,
        `Far :far${i}:`,
        `Near :near${i}:`,
        'Patterns *',
        'Create Near',
        'Sync Pull',
        'Expunge None',
        'CopyArrivalDate yes',
        `SyncState ${path.join(this.dir, 'state', `u${i}`)}/`,
        '',
      );
    }
    await fsp.writeFile(this.config, blocks.join('\n'), { mode: 0o600 });
  }

  async run(threads: number): Promise<Timed> {
    const started = process.hrtime.bigint();
    const runs = await pool(this.users, threads, async (_user, i) => {
      const result = await timed('mbsync', ['-c', this.config, '-q', `u${i}`]);
      if (result.code !== 0) throw new Error(`mbsync u${i} exited ${result.code}: ${result.stderr.slice(-2000)}`);
      return result;
    });
    return {
      wallMs: Number(process.hrtime.bigint() - started) / 1e6,
      peakRssKb: Math.max(...runs.map((r) => r.peakRssKb)),
      cpuMs: runs.reduce((sum, r) => sum + r.cpuMs, 0),
      stdout: '',
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The bench

interface Row {
  profile: string;
  tool: Tool;
  threads: number;
  scenario: Scenario;
  /** Which run of the scenario this is (S2 and S3 run --repeat times). */
  repetition: number;
  delayMs: number;
  wallMs: number;
  engineMs?: number;
  messages: number;
  bytes: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
  /** imap-migrate: the whole process; mbsync: the largest of its processes (each is one account). */
  peakRssMb: number;
  /** CPU time of the tool (imap-migrate: its process; mbsync: all its processes, summed). */
  cpuMs: number;
  /** CPU time of both Dovecots during the scenario: their masters and the processes they reaped (the imap processes of the tool's connections). */
  serverCpuMs: number;
  /** Through the delay proxies: command/response turns counted on both servers' connections. */
  roundTrips?: number;
  /** 1-minute load average of the machine when the scenario started (others' work shows here). */
  loadAverage: number;
  check: 'ok' | string;
  differences: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (ms) of a Dovecot master and of its children that have ended (Linux /proc: utime, stime, cutime, cstime). */
function serverCpuMs(dovecot: Dovecot): number {
  try {
    const stat = fs.readFileSync(`/proc/${dovecot.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await sh('cp', ['-a', `${from}/.`, to]);
}

/**
 * Where the servers' mail and the tools' data go: memory (tmpfs) unless --tmpdir says otherwise.
 * On this machine's ext4 root, creating files is slow for minutes after many were deleted (perf:
 * ext4_create spends its time in recently_deleted(), scanning the inode table), and every bench
 * or test run deletes tens of thousands: S1 then took 6 to 20 s for the same build, with the
 * destination Dovecot's system time the difference. In memory both tools meet the same servers.
 */
function chooseTmpdir(requested: string | undefined): string {
  const dir = requested ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
  fs.accessSync(dir, fs.constants.W_OK);
  // The Dovecot fixture and the tools' data dirs are made under os.tmpdir().
  process.env.TMPDIR = dir;
  return dir;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  chooseTmpdir(args.tmpdir);
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'imap-migrate-bench-'));
  try {
    await benchIn(work, args);
  } finally {
    if (!args.keep) await fsp.rm(work, { recursive: true, force: true });
  }
}

async function benchIn(work: string, args: Args): Promise<void> {
  const { profile } = args;
  const users = benchUsers(profile);
  log(
    `profile ${profile.name}: ${profile.accounts} accounts x ${profile.messagesPerAccount} messages; work dir ${work} (mail and data under ${os.tmpdir()})`,
  );
  if (args.tools.includes('mbsync'))
    await sh('bash', [path.join(ROOT, 'scripts', 'ensure-tools.sh'), 'mbsync']).catch((e) =>
      log(`ensure isync: ${e.message}`),
    );

  // The pristine source, seeded once, copied for every tool and thread count.
  const seedStarted = Date.now();
  const seeder = await startDovecot({ users, separator: SOURCE_SEPARATOR });
  const totals = await pool(users, 2, (user, index) => seedAccount(seeder, profile, index, user, 0));
  const corpus = {
    messages: totals.reduce((s, t) => s + t.messages, 0),
    bytes: totals.reduce((s, t) => s + t.bytes, 0),
  };
  const pristine = path.join(work, 'pristine-home');
  await fsp.mkdir(pristine);
  await copyTree(path.join(seeder.dir, 'home'), pristine);
  await seeder.stop();
  log(
    `seeded ${corpus.messages} messages, ${(corpus.bytes / 1e6).toFixed(0)} MB in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  const rows: Row[] = [];
  let failed = false;
  // Per thread count, every tool gets its own pair of servers; the tools then take turns
  // scenario by scenario, so that they run under the same conditions (on a shared machine the
  // load changes from minute to minute).
  for (const threads of args.threads) {
    interface Setup {
      tool: Tool;
      source: Dovecot;
      destination: Dovecot;
      proxies: DelayProxy[];
      runner: ToolRunner;
    }
    const setups: Setup[] = [];
    try {
      for (const tool of args.tools) {
        const source = await startDovecot({ users, separator: SOURCE_SEPARATOR });
        const destination = await startDovecot({ users, separator: DEST_SEPARATOR });
        const setup: Setup = { tool, source, destination, proxies: [], runner: undefined as unknown as ToolRunner };
        setups.push(setup);
        await copyTree(pristine, path.join(source.dir, 'home'));
        const sourcePort = { port: source.port };
        const destPort = { port: destination.port };
        if (args.delayMs > 0) {
          setup.proxies = [
            await startDelayProxy(source.port, args.delayMs),
            await startDelayProxy(destination.port, args.delayMs),
          ];
          sourcePort.port = setup.proxies[0].port;
          destPort.port = setup.proxies[1].port;
        }
        const dir = path.join(work, `${tool}-${threads}`);
        await fsp.mkdir(path.join(dir, 'data'), { recursive: true });
        setup.runner =
          tool === 'imap-migrate'
            ? new ImapMigrate(
                path.join(dir, 'data'),
                sourcePort,
                destPort,
                users,
                threads,
                args.nodeOptions,
                args.connections,
              )
            : new Mbsync(dir, sourcePort, destPort, users);
        await setup.runner.prepare();
      }
      // S2 and S3 take well under a second: each is run --repeat times (S3 on a new change each
      // time) and the table shows the median.
      const runs = args.scenarios.flatMap((scenario) =>
        Array.from({ length: scenario === 'S1' ? 1 : args.repeat }, (_, repetition) => ({ scenario, repetition })),
      );
      for (const { scenario, repetition } of runs) {
        for (const { tool, source, destination, proxies, runner } of setups) {
          let moved = { messages: corpus.messages, bytes: corpus.bytes };
          if (scenario === 'S3') {
            const change = await mutateSource(source, profile);
            moved = { messages: change.flagChanges + change.newMessages, bytes: change.newBytes };
            // The change's own server work (index updates after its logouts) is not the tool's.
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
          if (scenario === 'S2') moved = { messages: corpus.messages, bytes: 0 };
          for (const proxy of proxies) proxy.reset();
          log(`${tool} ${threads} thread(s) ${scenario} ...`);
          const loadBefore = os.loadavg()[0];
          const serversBefore = serverCpuMs(source) + serverCpuMs(destination);
          const result = await runner.run(threads);
          // The imap processes of the run have ended (and been reaped) once the tool exits.
          await new Promise((resolve) => setTimeout(resolve, 50));
          const serverMs = serverCpuMs(source) + serverCpuMs(destination) - serversBefore;
          const roundTrips = proxies.length ? proxies.reduce((sum, p) => sum + p.roundTrips, 0) : undefined;
          const diffs = await verify(source, destination, profile);
          const strict = tool === 'imap-migrate';
          if (diffs.length && strict) failed = true;
          const row: Row = {
            profile: profile.name,
            tool,
            threads,
            scenario,
            repetition,
            delayMs: args.delayMs,
            wallMs: Math.round(result.wallMs),
            engineMs: result.engineMs,
            messages: moved.messages,
            bytes: moved.bytes,
            messagesPerSecond: Math.round(moved.messages / (result.wallMs / 1000)),
            megabytesPerSecond: Number((moved.bytes / 1e6 / (result.wallMs / 1000)).toFixed(1)),
            peakRssMb: Math.round(result.peakRssKb / 1024),
            cpuMs: result.cpuMs,
            serverCpuMs: serverMs,
            roundTrips,
            loadAverage: Number(loadBefore.toFixed(1)),
            check: diffs.length === 0 ? 'ok' : `${diffs.length} differences`,
            differences: diffs.length,
          };
          rows.push(row);
          log(
            `${tool} ${threads}t ${scenario}: ${(row.wallMs / 1000).toFixed(2)} s${row.engineMs !== undefined ? ` (accounts ${(row.engineMs / 1000).toFixed(2)} s)` : ''}, ${row.messagesPerSecond} msg/s, ${row.megabytesPerSecond} MB/s, ` +
              `CPU ${(row.cpuMs / 1000).toFixed(2)} s (servers ${(serverMs / 1000).toFixed(2)} s), peak RSS ${row.peakRssMb} MB${roundTrips !== undefined ? `, ${roundTrips} round trips` : ''}, load ${row.loadAverage}, check ${row.check}`,
          );
          for (const line of diffs.slice(0, strict ? 20 : 3)) log(`  ${line}`);
        }
      }
    } finally {
      for (const setup of setups) {
        for (const proxy of setup.proxies) await proxy.close();
        await Promise.all([setup.source.stop(), setup.destination.stop()]);
      }
    }
  }

  printTable(rows, args, corpus);
  await fsp.mkdir(path.dirname(args.json), { recursive: true });
  await fsp.writeFile(
    args.json,
    JSON.stringify(
      {
        profile,
        corpus,
        delayMs: args.delayMs,
        machine: {
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          memoryGb: Math.round(os.totalmem() / 2 ** 30),
          node: process.version,
          kernel: os.release(),
          mailDir: os.tmpdir(),
        },
        at: new Date().toISOString(),
        command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
        rows,
      },
      null,
      2,
    ) + '\n',
  );
  log(`JSON written to ${path.relative(ROOT, args.json)}`);
  if (failed) {
    log('FAILED: the destination differs from the source after an imap-migrate run');
    process.exitCode = 1;
  }
}

function printTable(rows: Row[], args: Args, corpus: CorpusTotals): void {
  const lines: string[] = [];
  lines.push(
    `profile ${args.profile.name}: ${corpus.messages} messages, ${(corpus.bytes / 1e6).toFixed(0)} MB${args.delayMs ? `, ${args.delayMs} ms each way` : ''}`,
  );
  const header = [
    'scenario',
    'threads',
    'tool',
    'wall s',
    'of S1',
    'runs (wall s)',
    'CPU s',
    'servers CPU s',
    'msg/s',
    'MB/s',
    'peak RSS MB',
    'check',
    'imap-migrate/mbsync wall',
  ];
  const body: string[][] = [];
  /** The run of median wall time of a scenario (the middle one; of two, the slower). */
  const median = (tool: Tool, threads: number, scenario: Scenario) => {
    const runs = rows
      .filter((r) => r.tool === tool && r.threads === threads && r.scenario === scenario)
      .sort((a, b) => a.wallMs - b.wallMs);
    return runs.length ? { row: runs[Math.floor(runs.length / 2)], runs } : undefined;
  };
  for (const scenario of [...new Set(args.scenarios)]) {
    for (const threads of args.threads) {
      const ours = median('imap-migrate', threads, scenario);
      const theirs = median('mbsync', threads, scenario);
      for (const found of [ours, theirs]) {
        if (!found) continue;
        const { row, runs } = found;
        const ratio = found === ours && theirs ? (row.wallMs / theirs.row.wallMs).toFixed(2) + 'x' : '';
        const s1 = scenario === 'S1' ? undefined : median(row.tool, threads, 'S1')?.row;
        const ofS1 = s1 ? `${((100 * row.wallMs) / s1.wallMs).toFixed(1)} %` : '';
        const all = runs.length > 1 ? runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(' ') : '';
        body.push([
          scenario,
          String(threads),
          row.tool,
          (row.wallMs / 1000).toFixed(2),
          ofS1,
          all,
          (row.cpuMs / 1000).toFixed(2),
          (row.serverCpuMs / 1000).toFixed(2),
          String(row.messagesPerSecond),
          String(row.megabytesPerSecond),
          String(row.peakRssMb),
          row.check,
          ratio,
        ]);
      }
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  lines.push(fmt(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(fmt));
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
