// A lane: one source and one destination connection, the unit of an account's connection budget.
// A step that fails on a transient error reconnects the lane after a backoff (reconnectBackoff.ts)
// and runs again (docs/spec.md E6).
import { ImapError } from '../imap/connection.ts';
import type { ImapSession } from '../imap/session.ts';
import { AccountStop } from './folderContext.ts';
import { ReconnectBackoff } from './reconnectBackoff.ts';

export interface Sessions {
  source: ImapSession;
  destination: ImapSession;
}

export interface LaneDeps {
  /** Opens both connections (closing either if the other fails). */
  openBoth(): Promise<Sessions>;
  /** How long the logins of a lane took, in ms (the link's latency shows there). */
  onLogin?(ms: number): void;
  /** The account's progress so far: a failure after progress starts the backoff afresh. */
  progress(): number;
  note(line: string): void;
  sleep(ms: number): Promise<void>;
  signal?: AbortSignal;
  retryBaseMs: number;
  maxRetries: number;
  random?: () => number;
}

export class Lane {
  sessions?: Sessions;
  private readonly backoff: ReconnectBackoff;

  constructor(private readonly deps: LaneDeps) {
    this.backoff = new ReconnectBackoff({ baseMs: deps.retryBaseMs, maxRetries: deps.maxRetries, random: deps.random });
  }

  async connect(): Promise<Sessions> {
    if (this.sessions && this.sessions.source.usable && this.sessions.destination.usable) return this.sessions;
    await this.close();
    const started = Date.now();
    this.sessions = await this.deps.openBoth();
    this.deps.onLogin?.(Date.now() - started);
    return this.sessions;
  }

  async close(): Promise<void> {
    const current = this.sessions;
    this.sessions = undefined;
    if (current) await Promise.all([current.source.close(), current.destination.close()]);
  }

  /** Runs a step, reconnecting and running it again after a transient failure (E6). */
  async withReconnect<T>(step: (sessions: Sessions) => Promise<T>): Promise<T> {
    const { signal } = this.deps;
    for (;;) {
      try {
        return await step(await this.connect());
      } catch (error) {
        if (!(error instanceof ImapError) || !error.transient || signal?.aborted) throw error;
        const delay = this.backoff.failed(this.deps.progress());
        if (delay === undefined) throw error;
        this.deps.note(
          `${error.message}; reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.backoff.attempt} of ${this.deps.maxRetries})`,
        );
        await this.close();
        await this.deps.sleep(delay);
        if (signal?.aborted)
          throw new AccountStop(signal.reason === 'stop' ? 'stop' : 'pause', 'stopped while reconnecting');
      }
    }
  }
}
