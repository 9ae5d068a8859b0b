// One sync at a time per destination account: two runs writing the same mailbox at once
// (two syncs, or a loop pass overlapping a scheduled run) would both copy what neither had
// recorded yet, and duplicate it.
export class AccountLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task holding `key` has finished; `onWait` says it waits. */
  async run<T>(key: string, task: () => Promise<T>, onWait?: () => void): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = (previous ?? Promise.resolve()).then(() => mine);
    this.tails.set(key, tail);
    if (previous) {
      onWait?.();
      await previous;
    }
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
