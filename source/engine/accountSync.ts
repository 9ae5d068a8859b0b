// Syncs one account: connect both sides, list the folders, then plan and carry out each folder
// (the dry run only plans; Sync All plans every folder first, for the deletion guard). Several
// folders go at once, each on its own lane (a source and a destination connection), within the
// account's connection budget (accountLanes.ts). A lane that loses a connection reconnects with
// backoff and resumes where it was (docs/spec.md W2, W3, E1–E8).
import { ImapError, type OpenOptions } from '../imap/connection.ts';
import { describeEndpoint } from '../imap/endpoint.ts';
import { ImapSession } from '../imap/session.ts';
import { AccountLanes, expectedCopies } from './accountLanes.ts';
import { AccountReport, type FolderReport } from './accountReport.ts';
import type { ByteBudget } from './byteBudget.ts';
import { checkDeleteGuard, describeRefusal } from './deleteGuard.ts';
import { executeFolderWork } from './folderApply.ts';
import {
  AccountStop,
  pairAfterProgress,
  placeholderWork,
  type FolderContext,
  type FolderProgress,
  type FolderWork,
} from './folderContext.ts';
import { describeFolderPlan, describeFolderResult } from './folderLines.ts';
import { planUnchangedFromListing } from './folderMarks.ts';
import { planFolderWork } from './folderPlan.ts';
import { HierarchyOrder } from './hierarchyOrder.ts';
import { KeyedQueue } from './keyedQueue.ts';
import type { Lane, Sessions } from './lane.ts';
import type { LanePermits } from './lanePermits.ts';
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
  /** Bytes of message bodies held at once, shared by the accounts of the process (engineResources.ts). */
  budget: ByteBudget;
  /** Connection pairs held at once over fast links, shared by the accounts of the process. */
  lanePermits: LanePermits;
  /**
   * A login at least this slow (ms) means a slow link (accountLanes.ts has the default). Tests
   * that check the fast-link choice on a loaded machine, where a local login can take longer,
   * set it apart from CPU load.
   */
  slowLoginMs?: number;
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

interface FolderTask {
  pair: FolderPair;
  report: FolderReport;
  work?: FolderWork;
}

/** The dry run's tally and lines: what the plans would do (docs/spec.md W3). */
function reportDryRun(
  report: AccountReport,
  planned: readonly FolderWork[],
  deleteFolders: readonly string[],
  deleteCounts: ReadonlyMap<string, number>,
): void {
  for (const work of planned) {
    if (!work.pair.destExists) report.add('foldersCreated');
    report.add('downloaded', work.plan.copy.length);
    report.addBytes(work.plan.copy.reduce((sum, message) => sum + message.size, 0));
    report.add('flagsChanged', flagChangeCount(work.plan));
    report.add('messagesDeleted', work.plan.deleteAbsent.length);
    report.add('duplicatesDeleted', work.plan.deleteDuplicates.length);
    report.note(describeFolderPlan(work));
  }
  for (const path of deleteFolders) {
    report.add('foldersDeleted');
    report.add('messagesDeleted', deleteCounts.get(path) ?? 0);
    report.note(`would delete folder ${path} (${deleteCounts.get(path) ?? 0} messages)`);
  }
  report.note('done (dry run: nothing was changed)');
}

export async function syncAccount(job: AccountSyncJob, deps: AccountSyncDeps): Promise<AccountResult> {
  const { options } = job;
  const report = new AccountReport(job.account, options.dryRun, deps.emit ?? (() => undefined));
  const open = deps.openSession ?? defaultOpen;
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

  const lanes = new AccountLanes(
    {
      openBoth,
      progress: () => report.counters.downloaded + report.counters.flagsChanged,
      note: (line) => report.note(line),
      sleep: deps.sleep ?? ((ms: number) => defaultSleep(ms, deps.signal)),
      signal: deps.signal,
      retryBaseMs: options.retryBaseMs,
      maxRetries: options.maxRetries,
    },
    deps.lanePermits,
    options.connections,
    (line) => report.note(line),
    deps.slowLoginMs,
  );

  /** The account's destination CREATEs, SELECTs and SUBSCRIBEs, one at a time across its lanes (see FolderContext.oneAtATime). */
  const destinationStructure = new KeyedQueue();
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

  /** A folder's failure that skips the folder, not the account. */
  const skipFolder = (error: unknown, pair: Readonly<FolderPair>, what: string): void => {
    if (error instanceof ImapError && !error.transient && error.code !== 'OVERQUOTA') {
      report.error('FOLDER_FAILED', `${pair.source.path}: ${error.message}; ${what}`);
      return;
    }
    throw error;
  };

  const plan = async (lane: Lane, task: FolderTask, listedCount: number | undefined): Promise<void> => {
    try {
      task.work = await lane.withReconnect((current) => planFolderWork(contextOf(current, task.report), task.pair));
    } catch (error) {
      skipFolder(error, task.pair, 'folder skipped');
      report.add('messages', -(listedCount ?? 0));
      return;
    }
    // The total came from the listing's counters: correct it by what the folder really holds.
    report.add('messages', task.work.sourceCount - (listedCount ?? 0));
  };

  const execute = async (lane: Lane, task: FolderTask): Promise<void> => {
    let current = task.work!;
    const progress: FolderProgress = { created: false, subscribed: false };
    let attempts = 0;
    await lane
      .withReconnect(async (now) => {
        // After a reconnect the folder is planned anew, from fresh counters: what was copied
        // before the connection dropped is in the record by then.
        if (attempts++ > 0)
          current = await planFolderWork(contextOf(now, task.report), pairAfterProgress(current.pair, progress));
        await executeFolderWork(contextOf(now, task.report), current, progress);
      })
      .catch((error: unknown) => skipFolder(error, current.pair, 'rest of the folder skipped'));
    report.note(describeFolderResult(current, task.report.counters));
  };

  try {
    // The folders of both sides, listed at once (with their counters, where the servers offer it).
    let destinationDelimiter = '/';
    const folderPlan = await lanes.first.withReconnect(async (current) => {
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
    await lanes.run(
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
      await lanes.first.withReconnect(async (current) => {
        for (const path of folderPlan.deleteFolders)
          deleteCounts.set(path, await current.destination.messageCount(path));
      });
    }

    if (options.mode === 'all' && !options.allowMassDelete) {
      const verdict = checkDeleteGuard(planned, deleteCounts.values(), options.deleteGuardPercent);
      if (verdict.refused) {
        report.error('DELETE_GUARD', describeRefusal(verdict, options.deleteGuardPercent));
        return await finish('failed');
      }
    }

    if (options.dryRun) {
      reportDryRun(report, planned, folderPlan.deleteFolders, deleteCounts);
      return await finish('complete');
    }

    // Unchanged folders cost nothing; the rest (Sync All) are carried out now, on the lanes.
    const onLanesSet = new Set(toPlan);
    for (const task of tasks) {
      if (task.work?.unchanged && !onLanesSet.has(task)) {
        report.note(describeFolderResult(task.work, task.report.counters));
      }
    }
    if (planAllFirst) {
      const toExecute = new HierarchyOrder(
        toPlan.filter((task) => task.work),
        destinationDelimiter,
      );
      await lanes.run(
        toExecute.tasks,
        toExecute.tasks.reduce((sum, task) => sum + task.work!.plan.copy.length, 0),
        (lane, task) => toExecute.inOrder(task, () => execute(lane, task)),
      );
    }

    for (const path of folderPlan.deleteFolders) {
      await lanes.first.withReconnect(async (now) => {
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
    lanes.release();
  }
}
