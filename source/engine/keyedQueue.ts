// Tasks under the same key run one after another, in the order they came; tasks under different
// keys run at once. Its uses: one writer per destination account across syncs (two runs writing
// the same mailbox at once would both copy what neither had recorded yet, and duplicate it), and
// one folder-structure command at a time per account (see FolderContext.oneAtATime).
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` once every earlier task queued under `key` has finished; `onWait` says it waits. */
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
