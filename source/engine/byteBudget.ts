// A cap on the bytes of message bodies held in memory at once, shared by every account of the
// process (docs/spec.md E8: big messages do not multiply across threads). A batch takes its share
// before it is fetched and gives it back once appended; a message bigger than the whole
// budget takes all of it, alone. First come, first served. The composition root creates one
// per process and passes it down.

export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; resolve: () => void }[] = [];

  /** `onHold` hears of every share asked for: the CLI tunes the runtime by it (source/cli/runtimeTuning.ts). */
  constructor(
    readonly limit: number,
    private readonly onHold?: (bytes: number) => void,
  ) {
    if (!(limit > 0)) throw new RangeError('a byte budget needs a positive limit');
  }

  get inUse(): number {
    return this.used;
  }

  /** Waits for `bytes` (at most the whole budget) and returns the function that gives them back (once). */
  async acquire(bytes: number): Promise<() => void> {
    this.onHold?.(bytes);
    const share = Math.max(0, Math.min(bytes, this.limit));
    if (this.waiting.length === 0 && this.used + share <= this.limit) {
      this.used += share;
    } else {
      await new Promise<void>((resolve) => this.waiting.push({ bytes: share, resolve }));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= share;
      this.drain();
    };
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.used + this.waiting[0].bytes <= this.limit) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.resolve();
    }
  }
}

/** Bodies in memory across all accounts of the process, by default. */
export const DEFAULT_BYTES_IN_FLIGHT = 8 * 1024 * 1024;
