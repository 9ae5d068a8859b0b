// Runs tasks at most `limit` at a time; the limit can change while tasks run (docs/spec.md D3):
// a higher limit starts waiting tasks at once, a lower one lets running tasks finish and
// starts no new one until the count is under it.
export class WorkerPool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {
    if (!(limit >= 1)) throw new RangeError('a pool needs at least one worker');
  }

  get size(): number {
    return this.limit;
  }

  get running(): number {
    return this.active;
  }

  setLimit(limit: number): void {
    if (!(limit >= 1)) throw new RangeError('a pool needs at least one worker');
    this.limit = limit;
    this.drain();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.slot();
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.drain();
    }
  }

  private slot(): Promise<void> {
    if (this.active < this.limit && this.waiting.length === 0) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.active += 1;
        resolve();
      });
    });
  }

  private drain(): void {
    while (this.active < this.limit && this.waiting.length > 0) this.waiting.shift()!();
  }
}
