// An in-memory DashboardBackend for screen tests: realistic data, commands that change it,
// and a record of what was asked. Tests override any method they need.
import type {
  AccountRunRecord,
  DashboardBackend,
  DirectoryEntry,
  HistoryEntry,
  ManagerEvent,
  RunRecord,
  SyncRecord,
  SyncSettings,
} from '../../source/ui/backend.ts';
import { controlsFor } from '../../source/engine/controls.ts';
import { defaultSyncSettings } from '../../source/engine/syncModel.ts';
import { zeroCounters } from '../../source/engine/types.ts';

export interface FakeBackend extends DashboardBackend {
  calls: string[];
  syncs: SyncRecord[];
  runs: RunRecord[];
  accountRunsByRun: Map<string, AccountRunRecord[]>;
  history: HistoryEntry[];
  emit(event: ManagerEvent): void;
}

export function sampleSettings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return defaultSyncSettings(
    { host: 'imap.old.example', port: 143, tls: 'starttls', allowInvalidCert: false },
    [
      { email: 'ann@example.com', remoteUser: 'ann@example.com' },
      { email: 'ben@example.com', remoteUser: 'ben' },
    ],
    overrides,
  );
}

export function createFakeBackend(): FakeBackend {
  const listeners = new Set<(event: ManagerEvent) => void>();
  const calls: string[] = [];
  const syncs: SyncRecord[] = [
    { ...sampleSettings(), id: 'sync0001aaaabbbb', createdAt: '2026-11-29T10:00:00.000Z', status: 'Complete' },
    {
      ...sampleSettings({ mode: 'all', dryRun: false, threads: 2 }),
      id: 'sync0002ccccdddd',
      createdAt: '2026-11-30T09:00:00.000Z',
      status: 'Running',
    },
  ];
  const runs: RunRecord[] = [
    {
      id: 'run0001',
      syncId: 'sync0001aaaabbbb',
      startedAt: '2026-11-29T10:00:01.000Z',
      completedAt: '2026-11-29T10:05:00.000Z',
      status: 'Complete',
    },
    { id: 'run0002', syncId: 'sync0002ccccdddd', startedAt: '2026-11-30T09:00:01.000Z', status: 'Running' },
  ];
  const record = (
    runId: string,
    syncId: string,
    account: string,
    status: AccountRunRecord['status'],
    downloaded: number,
  ): AccountRunRecord => ({
    runId,
    syncId,
    account,
    status,
    planned: false,
    counters: { ...zeroCounters(), messages: 120, downloaded, foldersCreated: 3 },
    errors:
      status === 'failed'
        ? [
            {
              at: '2026-11-30T09:01:00.000Z',
              code: 'AUTH_FAILED',
              detail: 'login as ben refused by imap.old.example:143 (STARTTLS)',
            },
          ]
        : [],
    log: [{ at: '2026-11-30T09:00:02.000Z', text: `start ${account}: source imap.old.example:143 (STARTTLS)` }],
    startedAt: '2026-11-30T09:00:02.000Z',
    completedAt: status === 'complete' || status === 'failed' ? '2026-11-30T09:02:00.000Z' : undefined,
  });
  const accountRunsByRun = new Map<string, AccountRunRecord[]>([
    [
      'run0001',
      [
        record('run0001', 'sync0001aaaabbbb', 'ann@example.com', 'complete', 120),
        record('run0001', 'sync0001aaaabbbb', 'ben@example.com', 'complete', 120),
      ],
    ],
    [
      'run0002',
      [
        record('run0002', 'sync0002ccccdddd', 'ann@example.com', 'running', 40),
        record('run0002', 'sync0002ccccdddd', 'ben@example.com', 'failed', 0),
      ],
    ],
  ]);
  const history: HistoryEntry[] = [
    {
      syncId: 'sync0002ccccdddd',
      at: '2026-11-30T09:00:01.000Z',
      type: 'Sync - User Start',
      note: 'run started',
      user: 'admin',
    },
    { syncId: 'sync0002ccccdddd', at: '2026-11-30T09:00:00.000Z', type: 'Sync - Created', note: '', user: 'admin' },
  ];
  const directory: DirectoryEntry[] = [
    { email: 'ann@example.com', admin: true, hasPassword: true },
    { email: 'ben@example.com', admin: false, hasPassword: true, displayName: 'Ben' },
  ];
  const find = (id: string) => {
    const sync = syncs.find((s) => s.id === id || s.id.startsWith(id));
    if (!sync) throw new Error(`no sync with id ${id}`);
    return sync;
  };
  const backend: FakeBackend = {
    user: 'tester',
    dataDir: '/tmp/fake',
    exportsDir: '/tmp/fake/exports',
    calls,
    syncs,
    runs,
    accountRunsByRun,
    history,
    emit: (event) => listeners.forEach((listener) => listener(event)),
    async listSyncs() {
      return [...syncs]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .map((sync) => {
          const lastRun = runs.filter((r) => r.syncId === sync.id).at(-1);
          return { sync, lastRun, controls: controlsFor(sync.status, lastRun !== undefined) };
        });
    },
    async getSync(id) {
      const sync = find(id);
      const ofSync = runs.filter((r) => r.syncId === sync.id).reverse();
      return {
        sync,
        runs: ofSync,
        history: history.filter((h) => h.syncId === sync.id),
        controls: controlsFor(sync.status, ofSync.length > 0),
      };
    },
    async accountRuns(runId) {
      return accountRunsByRun.get(runId) ?? [];
    },
    liveRuns: () => [],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async createSync(settings) {
      calls.push(`createSync ${settings.mode} ${settings.accounts.length}`);
      const sync: SyncRecord = {
        ...settings,
        id: `sync${String(syncs.length + 1).padStart(4, '0')}eeeeffff`,
        createdAt: new Date().toISOString(),
        status: settings.start === 'manual' ? 'Manual' : 'Scheduled',
      };
      syncs.push(sync);
      return sync;
    },
    async recreateSync(fromId, settings) {
      calls.push(`recreateSync ${fromId}`);
      return backend.createSync(settings);
    },
    async start(id) {
      calls.push(`start ${id}`);
      find(id).status = 'Running';
    },
    async pause(id) {
      calls.push(`pause ${id}`);
      find(id).status = 'Paused';
    },
    async resume(id) {
      calls.push(`resume ${id}`);
      find(id).status = 'Running';
    },
    async stop(id) {
      calls.push(`stop ${id}`);
      find(id).status = 'Stopped';
    },
    async restart(id) {
      calls.push(`restart ${id}`);
      find(id).status = 'Running';
    },
    async setThreads(id, threads) {
      calls.push(`setThreads ${id} ${threads}`);
      find(id).threads = threads;
    },
    async addNote(id, text) {
      calls.push(`addNote ${id} ${text}`);
      history.unshift({ syncId: find(id).id, at: new Date().toISOString(), type: 'Note', note: text, user: 'tester' });
    },
    async testAuth(settings) {
      calls.push('testAuth');
      return settings.accounts.map((account) => ({
        account: account.email,
        source: account.email.startsWith('ben')
          ? { ok: false as const, code: 'AUTH_FAILED' as const, reason: 'login as ben refused' }
          : { ok: true as const, capabilities: [] },
        destination: { ok: true as const, capabilities: [] },
      }));
    },
    async exportRunCsv(runId, file) {
      calls.push(`exportRunCsv ${runId} ${file}`);
      return file;
    },
    async listAccounts() {
      return directory.map((entry) => ({ ...entry }));
    },
    async addAccount(input) {
      calls.push(`addAccount ${input.email}`);
      if (directory.some((entry) => entry.email === input.email))
        throw new Error(`${input.email} is already in the directory`);
      directory.push({
        email: input.email,
        admin: input.admin,
        hasPassword: Boolean(input.password),
        displayName: input.displayName,
      });
    },
    async updateAccount(email, patch) {
      calls.push(
        `updateAccount ${email} ${JSON.stringify({ ...patch, password: patch.password ? '***' : patch.password })}`,
      );
      const entry = directory.find((e) => e.email === email)!;
      if (patch.admin !== undefined) entry.admin = patch.admin;
      if (patch.displayName !== undefined) entry.displayName = patch.displayName ?? undefined;
      if (patch.password !== undefined) entry.hasPassword = Boolean(patch.password);
    },
    async removeAccount(email) {
      calls.push(`removeAccount ${email}`);
      directory.splice(
        directory.findIndex((e) => e.email === email),
        1,
      );
    },
    async importAccountsCsv(file) {
      calls.push(`importAccountsCsv ${file}`);
      if (file.includes('bad'))
        throw Object.assign(new Error(`${file}: 2 bad rows, nothing imported`), {
          details: ['line 3: not an email address', 'line 5: admin must be yes or no'],
        });
      return { added: 2, updated: 0 };
    },
    getDestination: () => ({
      host: 'imap.new.example',
      port: 993,
      tls: 'tls',
      allowInvalidCert: false,
      adminUser: 'admin',
      hasAdminPassword: true,
    }),
    async setDestination(settings) {
      calls.push(`setDestination ${settings.host}:${settings.port}`);
    },
    async testDestination() {
      calls.push('testDestination');
      return { ok: true, capabilities: ['IMAP4rev1'] };
    },
    getSmtp: () => undefined,
    async setSmtp(settings) {
      calls.push(`setSmtp ${settings.host}`);
    },
    async shutdown() {
      calls.push('shutdown');
    },
  };
  return backend;
}
