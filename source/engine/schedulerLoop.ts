// The scheduler of a process that holds the data dir (`imap-migrate run`, the dashboard):
// a manager tick whenever a sync may be due, at most `pollMs` apart (docs/spec.md S1).
import type { SyncManager } from './syncManager.ts';

export class SchedulerLoop {
  private running = true;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(manager: SyncManager, pollMs: number, onError: (error: unknown) => void) {
    this.done = (async () => {
      while (this.running) {
        let nextDue: Date | undefined;
        try {
          ({ nextDue } = await manager.tick());
        } catch (error) {
          // A store failure must not end the scheduler; a sync that cannot start is in its history.
          onError(error);
        }
        const wait = nextDue ? Math.min(pollMs, Math.max(50, nextDue.getTime() - Date.now())) : pollMs;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, wait);
        });
      }
    })();
  }

  /** Ends the loop (after the tick in progress, if any). Until then its timer keeps the process alive. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.done;
  }
}
