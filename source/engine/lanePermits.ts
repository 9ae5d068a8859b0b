// How many connection pairs (lanes) the accounts of one process hold at once, over fast links.
// The process works on one core: once a few pairs keep it busy, a further pair on a fast link
// adds no speed, only memory (its buffers) and logins (a server process each, on Dovecot). Over
// a slow link the process mostly waits, and every pair the budget allows is worth opening.
// The composition root creates one per process and passes it down.
export class LanePermits {
  private held = 0;

  constructor(readonly fastLinkLimit: number) {}

  get inUse(): number {
    return this.held;
  }

  /** An account's first lane: always granted. */
  take(): void {
    this.held += 1;
  }

  /** A further lane: granted over a slow link, else while the process holds fewer than the limit. */
  tryTake(slowLink: boolean): boolean {
    if (!slowLink && this.held >= this.fastLinkLimit) return false;
    this.held += 1;
    return true;
  }

  give(count = 1): void {
    this.held = Math.max(0, this.held - count);
  }
}

/** Four pairs: what keeps one process busy on a fast link (bench: four accounts at once). */
export const DEFAULT_FAST_LINK_LANES = 4;
