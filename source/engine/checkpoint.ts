// Copy records written in batches: every few hundred messages or seconds (a checkpoint), and at
// the end of a folder's pass however it ends, so that a retry's new plan knows every copy made.
import type { CopyStateStore } from './ports.ts';

export const CHECKPOINT_MESSAGES = 250;
export const CHECKPOINT_MS = 2000;

export class Checkpoint {
  private pending: [number, number][] = [];
  private lastFlush: number;

  constructor(
    private readonly state: CopyStateStore,
    private readonly pairKey: string,
    private readonly folder: string,
    private readonly now: () => number = Date.now,
  ) {
    this.lastFlush = now();
  }

  /** Records that source UID `sourceUid` was copied as `destUid` (0: the server did not say). */
  async add(sourceUid: number, destUid: number): Promise<void> {
    this.pending.push([sourceUid, destUid]);
    if (this.pending.length >= CHECKPOINT_MESSAGES || this.now() - this.lastFlush > CHECKPOINT_MS) await this.flush();
  }

  async flush(): Promise<void> {
    this.lastFlush = this.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.state.record(this.pairKey, this.folder, batch);
  }
}
