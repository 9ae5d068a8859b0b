// When a lane that lost its connection tries again (docs/spec.md E6): exponential backoff with
// jitter, capped, reset once the account made progress since the previous failure (a flaky link
// that still moves mail is not given up on). Pure: the random source is passed in.

export interface BackoffOptions {
  /** The first delay's upper bound, in ms; each further failure doubles it. */
  baseMs: number;
  /** Failures in a row (without progress) after which the lane gives up. */
  maxRetries: number;
  /** No delay above this, in ms. */
  capMs?: number;
  /** In [0, 1): the jitter. */
  random?: () => number;
}

export const BACKOFF_CAP_MS = 30_000;

export class ReconnectBackoff {
  private failures = 0;
  private progressAtLastFailure = -1;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.capMs = options.capMs ?? BACKOFF_CAP_MS;
    this.random = options.random ?? Math.random;
  }

  /** Failures in a row so far (the attempt the next reconnect is). */
  get attempt(): number {
    return this.failures;
  }

  /**
   * A failure, with the account's progress counter at the time: the delay before the next
   * attempt (half to all of base × 2^(n-1), capped), or undefined once the retries are spent.
   */
  failed(progress: number): number | undefined {
    if (progress > this.progressAtLastFailure) this.failures = 0;
    this.progressAtLastFailure = progress;
    this.failures += 1;
    if (this.failures > this.options.maxRetries) return undefined;
    const ceiling = Math.min(this.capMs, this.options.baseMs * 2 ** (this.failures - 1));
    return ceiling * (0.5 + this.random() / 2);
  }
}
