// Syncs one account: connect both sides, plan every folder (the dry run stops here), check the
// deletion guard, then carry the plan out folder by folder, reconnecting with backoff when a
// connection drops and resuming where it was (SPEC W2, W3, E1–E8).
import { describeEndpoint, ImapError, type OpenOptions } from '../imap/connection.ts';
import { ImapSession } from '../imap/session.ts';
import { AccountReport } from './accountReport.ts';
import type { ByteBudget } from './byteBudget.ts';
import {
  AccountStop,
  describeFolderPlan,
  describeFolderResult,
  executeFolderWork,
  planFolderWork,
  type FolderContext,
  type FolderWork,
} from './folderWork.ts';
import { flagChangeCount } from './planMessages.ts';
import { planFolders } from './planFolders.ts';
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
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function who(access: SideAccess): string {
  return access.credentials.authzid ? `${access.credentials.authzid} (admin login ${access.credentials.user})` : access.credentials.user;
}

export async function syncAccount(job: AccountSyncJob, deps: AccountSyncDeps): Promise<AccountResult> {
  const { options } = job;
  const report = new AccountReport(job.account, options.dryRun, deps.emit ?? (() => undefined));
  const open = deps.openSession ?? defaultOpen;
  const sleep = deps.sleep ?? ((ms: number) => defaultSleep(ms, deps.signal));
  let sessions: Sessions | undefined;
  let failures = 0;
  let progressAtLastFailure = -1;

  report.note(
    `start ${job.account}: source ${describeEndpoint(job.source.endpoint)} as ${who(job.source)}, ` +
      `destination ${describeEndpoint(job.destination.endpoint)} as ${who(job.destination)}, mode ${MODE_LABELS[options.mode]}`,
  );

  const closeSessions = async () => {
    const open = sessions;
    sessions = undefined;
    if (open) await Promise.all([open.source.close(), open.destination.close()]);
  };

  const connect = async (): Promise<Sessions> => {
    if (sessions && sessions.source.usable && sessions.destination.usable) return sessions;
    await closeSessions();
    const openOptions: OpenOptions = {};
    const source = await open('source', job.source, openOptions);
    try {
      const destination = await open('destination', job.destination, openOptions);
      sessions = { source, destination };
      return sessions;
    } catch (error) {
      await source.close();
      throw error;
    }
  };

  /** Runs a step, reconnecting and running it again after a transient failure (E6). */
  const withReconnect = async <T>(step: (sessions: Sessions) => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await step(await connect());
      } catch (error) {
        if (!(error instanceof ImapError) || !error.transient || deps.signal?.aborted) throw error;
        const progress = report.counters.downloaded + report.counters.flagsChanged;
        if (progress > progressAtLastFailure) failures = 0;
        progressAtLastFailure = progress;
        failures += 1;
        if (failures > options.maxRetries) throw error;
        const delay = Math.min(30_000, options.retryBaseMs * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
        report.note(`${error.message}; reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${failures} of ${options.maxRetries})`);
        await closeSessions();
        await sleep(delay);
        if (deps.signal?.aborted) throw new AccountStop(deps.signal.reason === 'stop' ? 'stop' : 'pause', 'stopped while reconnecting');
      }
    }
  };

  const contextOf = (current: Sessions): FolderContext => ({
    source: current.source,
    destination: current.destination,
    state: deps.state,
    pairKey: job.pairKey,
    options,
    report,
    signal: deps.signal,
    budget: deps.budget,
  });

  try {
    // Plan: every folder of the source, matched against the destination.
    const works = await withReconnect(async (current) => {
      const sourceFolders = await current.source.listFolders();
      const destinationFolders = await current.destination.listFolders();
      const folderPlan = planFolders({
        mode: options.mode,
        mapSpecialUse: options.mapSpecialUse,
        source: sourceFolders,
        sourceNaming: current.source.naming(sourceFolders),
        destination: destinationFolders,
        destinationNaming: current.destination.naming(destinationFolders),
      });
      for (const note of folderPlan.notes) report.note(note);
      const planned: FolderWork[] = [];
      for (const pair of folderPlan.pairs) {
        try {
          planned.push(await planFolderWork(contextOf(current), pair));
        } catch (error) {
          if (error instanceof ImapError && !error.transient) {
            report.error('FOLDER_FAILED', `${pair.source.path}: ${error.message}; folder skipped`);
            continue;
          }
          throw error;
        }
      }
      const deleteCounts = new Map<string, number>();
      for (const path of folderPlan.deleteFolders) deleteCounts.set(path, await current.destination.messageCount(path));
      return { planned, deleteFolders: folderPlan.deleteFolders, deleteCounts };
    });

    const sourceTotal = works.planned.reduce((sum, work) => sum + work.sourceCount, 0);
    report.add('messages', sourceTotal);

    if (options.mode === 'all' && !options.allowMassDelete) {
      const destTotal =
        works.planned.reduce((sum, work) => sum + work.destCount, 0) + [...works.deleteCounts.values()].reduce((a, b) => a + b, 0);
      const toDelete =
        works.planned.reduce((sum, work) => sum + work.plan.deleteAbsent.length + work.plan.deleteDuplicates.length, 0) +
        [...works.deleteCounts.values()].reduce((a, b) => a + b, 0);
      if (toDelete > 0 && toDelete > (options.deleteGuardPercent / 100) * destTotal) {
        report.error(
          'DELETE_GUARD',
          `this pass would delete ${toDelete} of the ${destTotal} destination messages (more than ${options.deleteGuardPercent} %); ` +
            'nothing was changed. Check the source, or allow mass deletion for this sync',
        );
        return report.finish('failed');
      }
    }

    if (options.dryRun) {
      for (const work of works.planned) {
        if (!work.pair.destExists) report.add('foldersCreated');
        report.add('downloaded', work.plan.copy.length);
        report.counters.bytesDownloaded += work.plan.copy.reduce((sum, message) => sum + message.size, 0);
        report.add('flagsChanged', flagChangeCount(work.plan));
        report.add('messagesDeleted', work.plan.deleteAbsent.length);
        report.add('duplicatesDeleted', work.plan.deleteDuplicates.length);
        report.note(describeFolderPlan(work));
      }
      for (const path of works.deleteFolders) {
        report.add('foldersDeleted');
        report.add('messagesDeleted', works.deleteCounts.get(path) ?? 0);
        report.note(`would delete folder ${path} (${works.deleteCounts.get(path) ?? 0} messages)`);
      }
      report.note('done (dry run: nothing was changed)');
      return report.finish('complete');
    }

    for (const work of works.planned) {
      let current = work;
      let planSessions = sessions;
      const before = { ...report.counters };
      await withReconnect(async (now) => {
        if (planSessions !== now) {
          // After a reconnect the folder is planned anew: what was copied is in the record.
          const wasCreated = current.pair.destExists;
          current = await planFolderWork(contextOf(now), { ...current.pair, destExists: wasCreated });
          planSessions = now;
        }
        await executeFolderWork(contextOf(now), current);
      }).catch((error: unknown) => {
        if (error instanceof ImapError && !error.transient && error.code !== 'OVERQUOTA') {
          report.error('FOLDER_FAILED', `${work.pair.source.path}: ${error.message}; rest of the folder skipped`);
          return;
        }
        throw error;
      });
      const how = current.unchanged ? ' (unchanged since the last pass)' : current.incremental ? ' (changes only, by CONDSTORE)' : '';
      report.note(describeFolderResult(work.pair, before, report.counters, current.plan.adopt.length) + how);
    }

    for (const path of works.deleteFolders) {
      await withReconnect(async (now) => {
        await now.destination.deleteFolder(path);
      });
      report.add('foldersDeleted');
      report.add('messagesDeleted', works.deleteCounts.get(path) ?? 0);
      report.note(`deleted folder ${path} (${works.deleteCounts.get(path) ?? 0} messages)`);
    }
    report.note(`done: ${report.counters.downloaded} copied, ${report.counters.errors} errors`);
    return report.finish('complete');
  } catch (error) {
    if (error instanceof AccountStop) {
      if (error.reason === 'failed') {
        report.error(error.code ?? 'INTERNAL_ERROR', error.message);
        return report.finish('failed');
      }
      report.note(error.reason === 'stop' ? 'stopped' : 'paused at a safe point');
      return report.finish(error.reason === 'stop' ? 'stopped' : 'paused');
    }
    if (error instanceof ImapError) {
      report.error(error.code, error.message);
      return report.finish('failed');
    }
    report.error('INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
    return report.finish('failed');
  } finally {
    await closeSessions();
  }
}
