// The lanes of one account: how many to open for a piece of work (within the account's
// connection budget and the process's lane permits) and the work spread over them.
import { ImapError } from '../imap/connection.ts';
import type { LanePermits } from './lanePermits.ts';
import { Lane, type LaneDeps } from './lane.ts';
import type { FolderPair } from './planFolders.ts';

/** Messages to copy that justify one more lane (connection pair) for an account. */
const MESSAGES_PER_LANE = 200;
/**
 * A login (greeting to ENABLE: six round trips) this slow means a slow link: 20 ms a round trip
 * and more. A busy local server stays well under it.
 */
const SLOW_LOGIN_MS = 120;

/**
 * What a folder will likely copy, from the listings' counters (LIST-STATUS): the source's
 * messages beyond the destination's. Without counters, unknown: as if every message.
 */
export function expectedCopies(pair: Readonly<FolderPair>): number {
  if (pair.source.noSelect) return 0;
  if (!pair.source.counts) return Number.POSITIVE_INFINITY;
  const there = pair.destExists ? (pair.destCounts?.messages ?? 0) : 0;
  return Math.max(0, pair.source.counts.messages - there);
}

/**
 * Lanes worth having for `items` pieces of work expected to copy `copiesExpected` messages. A
 * lane costs two logins (a server process each, on Dovecot): on a fast link worth it for a copy,
 * not for a pass that only brings a few new messages and flags. Over a slow link the round trips
 * a lane saves outweigh its login: every folder may have one.
 */
export function lanesWanted(items: number, copiesExpected: number, connections: number, slowLink: boolean): number {
  const worth = slowLink ? items : Math.ceil(copiesExpected / MESSAGES_PER_LANE);
  return Math.max(1, Math.min(connections, items, worth));
}

export class AccountLanes {
  /** The longest it took to open a lane (both logins), in ms. */
  private slowestLogin = 0;
  private permitsHeld = 1;
  readonly lanes: Lane[];
  private readonly laneDeps: LaneDeps;

  constructor(
    laneDeps: LaneDeps,
    private readonly permits: LanePermits,
    private readonly connections: number,
    private readonly note: (line: string) => void,
    private readonly slowLoginMs = SLOW_LOGIN_MS,
  ) {
    this.laneDeps = {
      ...laneDeps,
      onLogin: (ms) => {
        this.slowestLogin = Math.max(this.slowestLogin, ms);
        laneDeps.onLogin?.(ms);
      },
    };
    // An account's first lane is always granted.
    permits.take();
    this.lanes = [new Lane(this.laneDeps)];
  }

  /** The lane that lists, counts and deletes folders. */
  get first(): Lane {
    return this.lanes[0];
  }

  /**
   * Works through the items on up to the lanes wanted at once, each lane taking the next item
   * when it is done with one. The first error ends the account: the other lanes finish the
   * folder they are on (pause and stop reach them at their next safe point) and take no more.
   */
  async run<T>(items: T[], copiesExpected: number, work: (lane: Lane, item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let failure: { error: unknown } | undefined;
    const slowLink = this.slowestLogin >= this.slowLoginMs;
    const wanted = lanesWanted(items.length, copiesExpected, this.connections, slowLink);
    while (this.lanes.length < wanted && this.permits.tryTake(slowLink)) {
      this.lanes.push(new Lane(this.laneDeps));
      this.permitsHeld += 1;
    }
    const count = Math.min(wanted, this.lanes.length);
    await Promise.all(
      this.lanes.slice(0, count).map(async (lane, index) => {
        if (index > 0 && !failure && next < items.length) {
          // A further lane is a help, not a need: a server that refuses one more connection (a
          // per-user limit lower than the budget) leaves the work to the lanes that have one.
          try {
            await lane.connect();
          } catch (error) {
            if (error instanceof ImapError) {
              this.note(`could not open connection pair ${index + 1} (${error.message}); going on with fewer at once`);
            } else {
              failure ??= { error };
            }
            return;
          }
        }
        while (!failure && next < items.length) {
          const item = items[next++];
          try {
            await work(lane, item);
          } catch (error) {
            failure ??= { error };
          }
        }
      }),
    );
    if (failure) throw failure.error;
  }

  /**
   * Gives the permits back and closes every lane. The account is done once its work is: the
   * polite LOGOUTs finish on their own (each is bounded by a timer in close()), while the next
   * account starts.
   */
  release(): void {
    this.permits.give(this.permitsHeld);
    this.permitsHeld = 0;
    void Promise.all(this.lanes.map((lane) => lane.close())).catch(() => undefined);
  }
}
