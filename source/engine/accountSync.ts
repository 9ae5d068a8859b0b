// Syncs one account: connect both sides, list the folders, then plan and carry out each folder
// (the dry run only plans; Sync All plans every folder first, for the deletion guard). Several
// folders go at once, each on its own lane (a source and a destination connection), within the
// account's connection budget. A lane that loses a connection reconnects with backoff and
// resumes where it was (docs/spec.md W2, W3, E1–E8).
import { ImapError, type OpenOptions } from '../imap/connection.ts';
import { describeEndpoint } from '../imap/endpoint.ts';
import { ImapSession } from '../imap/session.ts';
import { AccountLocks } from './accountLocks.ts';
import { AccountReport, type FolderReport } from './accountReport.ts';
import type { ByteBudget } from './byteBudget.ts';
import { sharedLanePermits, type LanePermits } from './lanePermits.ts';
import {
  AccountStop,
  describeFolderPlan,
  describeFolderResult,
  executeFolderWork,
  planFolderWork,
  placeholderWork,
  planUnchangedFromListing,
  type FolderContext,
  type FolderWork,
} from './folderWork.ts';
import { flagChangeCount } from './planMessages.ts';
import { planFolders, type FolderPair } from './planFolders.ts';
import type { CopyStateStore } from './ports.ts';
import { MODE_LABELS, type AccountEvent, type AccountResult, type AccountSyncJob, type SideAccess } from './types.ts';

export interface AccountSyncDeps {
  state: CopyStateStore;
  emit?: (event: AccountEvent) => void;
  /** Aborting pauses (reason "pause", the default) or stops (reason "stop") at the next safe point. */
  signal?: AbortSignal;
  /** How to open a connection; tests put a fault-injecting proxy here. */
  openSession?: (side: 'source' | 'destination', access: SideAccess, options: OpenOptions) => Promise<ImapSession>;
  sleep?: (ms: number) => Promise<void>;
  /** Bytes of message bodies held at once, shared by the accounts of a run (default: the process-wide budget). */
  budget?: ByteBudget;
  /** Connection pairs held at once over fast links, shared by the accounts (default: the process-wide permits). */
  lanePermits?: LanePermits;
}

interface Sessions {
  source: ImapSession;
  destination: ImapSession;
}

const defaultOpen = (_side: 'source' | 'destination', access: SideAccess, options: OpenOptions) =>
  ImapSession.open(access.endpoint, access.credentials, options);

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function who(access: SideAccess): string {
  return access.credentials.authzid
    ? `${access.credentials.authzid} (admin login ${access.credentials.user})`
    : access.credentials.user;
}

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
function expectedCopies(pair: FolderPair): number {
  if (pair.source.noSelect) return 0;
  if (!pair.source.counts) return Number.POSITIVE_INFINITY;
  const there = pair.destExists ? (pair.destCounts?.messages ?? 0) : 0;
  return Math.max(0, pair.source.counts.messages - there);
}

/**
 * Parents before children on the destination: a folder waits for the folders above it to be
 * done. Run side by side, a child created first turns its parent into a bare directory on
 * Dovecot's fs layout, where the parent is a folder Dovecot creates on first use (a special
 * folder with `auto`), and the parent then lists as \NoSelect. Tasks come out parents first, so
 * a lane only ever waits for a folder another lane already holds.
 */
class HierarchyOrder<T extends { pair: FolderPair }> {
  readonly tasks: T[];
  private readonly finished = new Map<string, { promise: Promise<void>; resolve: () => void }>();

  constructor(
    tasks: T[],
    private readonly delimiter: string,
  ) {
    const depth = (task: T) => task.pair.destPath.split(delimiter).length;
    this.tasks = [...tasks].sort((a, b) => depth(a) - depth(b));
    for (const task of this.tasks) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.finished.set(task.pair.destPath, { promise, resolve });
    }
  }

  /** Runs the work of a task once the folders above it are done; it is done when the work ends, however. */
  async inOrder(task: T, work: () => Promise<void>): Promise<void> {
    const parts = task.pair.destPath.split(this.delimiter);
    try {
      for (let length = 1; length < parts.length; length++) {
        await this.finished.get(parts.slice(0, length).join(this.delimiter))?.promise;
      }
      await work();
    } finally {
      this.finished.get(task.pair.destPath)?.resolve();
    }
  }
}

export async function syncAccount(job: AccountSyncJob, deps: AccountSyncDeps): Promise<AccountResult> {
  const { options } = job;
  const report = new AccountReport(job.account, options.dryRun, deps.emit ?? (() => undefined));
  const open = deps.openSession ?? defaultOpen;
  const sleep = deps.sleep ?? ((ms: number) => defaultSleep(ms, deps.signal));
  /** What imapflow learned from the listing, handed to every lane's new connections. */
  let listings: { source: ReadonlyMap<string, unknown>; destination: ReadonlyMap<string, unknown> } | undefined;

  report.note(
    `start ${job.account}: source ${describeEndpoint(job.source.endpoint)} as ${who(job.source)}, ` +
      `destination ${describeEndpoint(job.destination.endpoint)} as ${who(job.destination)}, mode ${MODE_LABELS[options.mode]}`,
  );

  /** Both sides' connections, opened at once; a failure on the source is the one reported. */
  const openBoth = async (): Promise<Sessions> => {
    const [source, destination] = await Promise.allSettled([
      open('source', job.source, {}),
      open('destination', job.destination, {}),
    ]);
    if (source.status === 'fulfilled' && destination.status === 'fulfilled') {
      if (listings) {
        source.value.adoptListing(listings.source);
        destination.value.adoptListing(listings.destination);
      }
      return { source: source.value, destination: destination.value };
    }
    await Promise.all(
      [source, destination].map((side) => (side.status === 'fulfilled' ? side.value.close() : undefined)),
    );
    throw source.status === 'rejected' ? source.reason : (destination as PromiseRejectedResult).reason;
  };

  /** One source and one destination connection; the unit of the connection budget. */
  class Lane {
    sessions?: Sessions;
    private failures = 0;
    private progressAtLastFailure = -1;

    async connect(): Promise<Sessions> {
      if (this.sessions && this.sessions.source.usable && this.sessions.destination.usable) return this.sessions;
      await this.close();
      const started = Date.now();
      this.sessions = await openBoth();
      slowestLogin = Math.max(slowestLogin, Date.now() - started);
      return this.sessions;
    }

    async close(): Promise<void> {
      const current = this.sessions;
      this.sessions = undefined;
      if (current) await Promise.all([current.source.close(), current.destination.close()]);
    }

    /** Runs a step, reconnecting and running it again after a transient failure (E6). */
    async withReconnect<T>(step: (sessions: Sessions) => Promise<T>): Promise<T> {
      for (;;) {
        try {
          return await step(await this.connect());
        } catch (error) {
          if (!(error instanceof ImapError) || !error.transient || deps.signal?.aborted) throw error;
          const progress = report.counters.downloaded + report.counters.flagsChanged;
          if (progress > this.progressAtLastFailure) this.failures = 0;
          this.progressAtLastFailure = progress;
          this.failures += 1;
          if (this.failures > options.maxRetries) throw error;
          const delay = Math.min(30_000, options.retryBaseMs * 2 ** (this.failures - 1)) * (0.5 + Math.random() / 2);
          report.note(
            `${error.message}; reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.failures} of ${options.maxRetries})`,
          );
          await this.close();
          await sleep(delay);
          if (deps.signal?.aborted)
            throw new AccountStop(deps.signal.reason === 'stop' ? 'stop' : 'pause', 'stopped while reconnecting');
        }
      }
    }
  }
  /** The longest it took to open a lane (both logins), in ms: the link's latency shows here. */
  let slowestLogin = 0;
  const permits = deps.lanePermits ?? sharedLanePermits;
  permits.take();
  let permitsHeld = 1;
  const lanes: Lane[] = [new Lane()];

  /**
   * Works through the items on up to `connections` lanes at once, each lane taking the next
   * item when it is done with one. The first error ends the account: the other lanes finish the
   * folder they are on (pause and stop reach them at their next safe point) and take no more.
   */
  const onLanes = async <T>(
    items: T[],
    copiesExpected: number,
    work: (lane: Lane, item: T) => Promise<void>,
  ): Promise<void> => {
    let next = 0;
    let failure: { error: unknown } | undefined;
    // A lane costs two logins (a server process each, on Dovecot): on a fast link worth it for a
    // copy, not for a pass that only brings a few new messages and flags. Over a slow link the
    // round trips a lane saves outweigh its login: every folder may have one.
    const slowLink = slowestLogin >= SLOW_LOGIN_MS;
    const worth = slowLink ? items.length : Math.ceil(copiesExpected / MESSAGES_PER_LANE);
    const wanted = Math.max(1, Math.min(options.connections, items.length, worth));
    while (lanes.length < wanted && permits.tryTake(slowLink)) {
      lanes.push(new Lane());
      permitsHeld += 1;
    }
    const count = Math.min(wanted, lanes.length);
    await Promise.all(
      lanes.slice(0, count).map(async (lane, index) => {
        if (index > 0 && !failure && next < items.length) {
          // A further lane is a help, not a need: a server that refuses one more connection (a
          // per-user limit lower than the budget) leaves the work to the lanes that have one.
          try {
            await lane.connect();
          } catch (error) {
            if (error instanceof ImapError) {
              report.note(
                `could not open connection pair ${index + 1} (${error.message}); going on with fewer at once`,
              );
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
  };

  /** The account's destination CREATEs, SELECTs and SUBSCRIBEs, one at a time across its lanes (see FolderContext.oneAtATime). */
  const destinationStructure = new AccountLocks();
  /** Marks being recorded while the lanes go on: all are settled before the account ends. */
  const background: Promise<void>[] = [];
  const finish = async (status: Parameters<AccountReport['finish']>[0]): Promise<AccountResult> => {
    await Promise.all(background);
    return report.finish(status);
  };
  const contextOf = (current: Sessions, folderReport: FolderReport): FolderContext => ({
    source: current.source,
    destination: current.destination,
    state: deps.state,
    pairKey: job.pairKey,
    options,
    report: folderReport,
    signal: deps.signal,
    budget: deps.budget,
    inBackground: (work) => background.push(work.catch(() => undefined)),
    oneAtATime: (work) => destinationStructure.run('structure', work),
  });

  interface FolderTask {
    pair: FolderPair;
    report: FolderReport;
    work?: FolderWork;
  }

  /** A folder's failure that skips the folder, not the account. */
  const skipFolder = (error: unknown, pair: FolderPair, what: string): void => {
    if (error instanceof ImapError && !error.transient && error.code !== 'OVERQUOTA') {
      report.error('FOLDER_FAILED', `${pair.source.path}: ${error.message}; ${what}`);
      return;
    }
    throw error;
  };

  const plan = async (lane: Lane, task: FolderTask, listedCount: number | undefined): Promise<void> => {
    try {
      await lane.withReconnect(async (current) => {
        task.work = await planFolderWork(contextOf(current, task.report), task.pair);
      });
    } catch (error) {
      skipFolder(error, task.pair, 'folder skipped');
      report.add('messages', -(listedCount ?? 0));
      return;
    }
    // The total came from the listing's counters: correct it by what the folder really holds.
    report.add('messages', task.work!.sourceCount - (listedCount ?? 0));
  };

  const execute = async (lane: Lane, task: FolderTask): Promise<void> => {
    let current = task.work!;
    let attempts = 0;
    await lane
      .withReconnect(async (now) => {
        if (attempts++ > 0) {
          // After a reconnect the folder is planned anew, from fresh counters: what was copied
          // before the connection dropped is in the record by then.
          const { counts: _listed, ...source } = current.pair.source;
          current = await planFolderWork(contextOf(now, task.report), {
            ...current.pair,
            source,
            destCounts: undefined,
          });
        }
        await executeFolderWork(contextOf(now, task.report), current);
      })
      .catch((error: unknown) => skipFolder(error, current.pair, 'rest of the folder skipped'));
    const how = current.unchanged
      ? ' (unchanged since the last pass)'
      : current.incremental
        ? ' (changes only, by CONDSTORE)'
        : '';
    report.note(describeFolderResult(current.pair, task.report.counters, current.plan.adopt.length) + how);
  };

  try {
    // The folders of both sides, listed at once (with their counters, where the servers offer it).
    let destinationDelimiter = '/';
    const folderPlan = await lanes[0].withReconnect(async (current) => {
      const [sourceFolders, destinationFolders] = await Promise.all([
        current.source.listFolders(),
        current.destination.listFolders(),
      ]);
      listings = { source: current.source.listing, destination: current.destination.listing };
      destinationDelimiter = current.destination.naming(destinationFolders).delimiter;
      return planFolders({
        mode: options.mode,
        mapSpecialUse: options.mapSpecialUse,
        source: sourceFolders,
        sourceNaming: current.source.naming(sourceFolders),
        destination: destinationFolders,
        destinationNaming: current.destination.naming(destinationFolders),
      });
    });
    for (const note of folderPlan.notes) report.note(note);
    const tasks: FolderTask[] = folderPlan.pairs.map((pair) => ({ pair, report: report.forFolder() }));
    const listedCounts = new Map(
      tasks.map((task) => [task, task.pair.source.noSelect ? 0 : task.pair.source.counts?.messages]),
    );
    report.add(
      'messages',
      [...listedCounts.values()].reduce((sum: number, count) => sum + (count ?? 0), 0),
    );

    // Folders neither side touched since the last clean pass are known from the listings alone.
    const toPlan: FolderTask[] = [];
    for (const task of tasks) {
      if (task.pair.subscribe) {
        toPlan.push(task);
        continue;
      }
      task.work = task.pair.source.noSelect
        ? placeholderWork(task.pair)
        : await planUnchangedFromListing(deps.state, job.pairKey, options.mode, task.pair);
      if (!task.work) toPlan.push(task);
    }

    // Sync All plans every folder before touching any, to check the deletion guard; so does the
    // dry run, which stops there. Otherwise each folder is carried out as soon as it is planned,
    // on the lane that planned it (its folders still selected there).
    const planAllFirst = options.dryRun || (options.mode === 'all' && !options.allowMassDelete);
    const hierarchy = new HierarchyOrder(toPlan, destinationDelimiter);
    await onLanes(
      hierarchy.tasks,
      toPlan.reduce((sum, task) => sum + expectedCopies(task.pair), 0),
      (lane, task) =>
        hierarchy.inOrder(task, async () => {
          await plan(lane, task, listedCounts.get(task));
          if (!planAllFirst && task.work) await execute(lane, task);
        }),
    );
    const planned = tasks.filter((task) => task.work).map((task) => task.work!);

    const deleteCounts = new Map<string, number>();
    if (folderPlan.deleteFolders.length > 0) {
      await lanes[0].withReconnect(async (current) => {
        for (const path of folderPlan.deleteFolders)
          deleteCounts.set(path, await current.destination.messageCount(path));
      });
    }

    if (options.mode === 'all' && !options.allowMassDelete) {
      const destTotal =
        planned.reduce((sum, work) => sum + work.destCount, 0) + [...deleteCounts.values()].reduce((a, b) => a + b, 0);
      const toDelete =
        planned.reduce((sum, work) => sum + work.plan.deleteAbsent.length + work.plan.deleteDuplicates.length, 0) +
        [...deleteCounts.values()].reduce((a, b) => a + b, 0);
      if (toDelete > 0 && toDelete > (options.deleteGuardPercent / 100) * destTotal) {
        report.error(
          'DELETE_GUARD',
          `this pass would delete ${toDelete} of the ${destTotal} destination messages (more than ${options.deleteGuardPercent} %); ` +
            'nothing was changed. Check the source, or allow mass deletion for this sync',
        );
        return await finish('failed');
      }
    }

    if (options.dryRun) {
      for (const work of planned) {
        if (!work.pair.destExists) report.add('foldersCreated');
        report.add('downloaded', work.plan.copy.length);
        report.addBytes(work.plan.copy.reduce((sum, message) => sum + message.size, 0));
        report.add('flagsChanged', flagChangeCount(work.plan));
        report.add('messagesDeleted', work.plan.deleteAbsent.length);
        report.add('duplicatesDeleted', work.plan.deleteDuplicates.length);
        report.note(describeFolderPlan(work));
      }
      for (const path of folderPlan.deleteFolders) {
        report.add('foldersDeleted');
        report.add('messagesDeleted', deleteCounts.get(path) ?? 0);
        report.note(`would delete folder ${path} (${deleteCounts.get(path) ?? 0} messages)`);
      }
      report.note('done (dry run: nothing was changed)');
      return await finish('complete');
    }

    // Unchanged folders cost nothing; the rest (Sync All) are carried out now, on the lanes.
    const onLanesSet = new Set(toPlan);
    for (const task of tasks) {
      if (task.work?.unchanged && !onLanesSet.has(task)) {
        report.note(describeFolderResult(task.pair, task.report.counters, 0) + ' (unchanged since the last pass)');
      }
    }
    if (planAllFirst) {
      const toExecute = new HierarchyOrder(
        toPlan.filter((task) => task.work),
        destinationDelimiter,
      );
      await onLanes(
        toExecute.tasks,
        toExecute.tasks.reduce((sum, task) => sum + task.work!.plan.copy.length, 0),
        (lane, task) => toExecute.inOrder(task, () => execute(lane, task)),
      );
    }

    for (const path of folderPlan.deleteFolders) {
      await lanes[0].withReconnect(async (now) => {
        await now.destination.deleteFolder(path);
      });
      report.add('foldersDeleted');
      report.add('messagesDeleted', deleteCounts.get(path) ?? 0);
      report.note(`deleted folder ${path} (${deleteCounts.get(path) ?? 0} messages)`);
    }
    report.note(`done: ${report.counters.downloaded} copied, ${report.counters.errors} errors`);
    return await finish('complete');
  } catch (error) {
    if (error instanceof AccountStop) {
      if (error.reason === 'failed') {
        report.error(error.code ?? 'INTERNAL_ERROR', error.message);
        return await finish('failed');
      }
      report.note(error.reason === 'stop' ? 'stopped' : 'paused at a safe point');
      return await finish(error.reason === 'stop' ? 'stopped' : 'paused');
    }
    if (error instanceof ImapError) {
      report.error(error.code, error.message);
      return await finish('failed');
    }
    report.error('INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
    return await finish('failed');
  } finally {
    // The account is done once its work is: the polite LOGOUTs finish on their own (each is
    // bounded by a timer in close()), while the next account starts.
    permits.give(permitsHeld);
    void Promise.all(lanes.map((lane) => lane.close())).catch(() => undefined);
  }
}
