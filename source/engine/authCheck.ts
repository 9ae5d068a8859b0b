// Each selected account's source and destination logins, tried before or without a run
// (docs/spec.md W6).
import { testLogin, type LoginTestResult } from '../imap/connection.ts';
import type { AuthCheck } from './managerTypes.ts';
import { NoDestinationError, type AccessPort } from './runExecution.ts';
import { buildJobs, type SyncSettings } from './syncModel.ts';
import { WorkerPool } from './workerPool.ts';

export async function checkLogins(access: AccessPort, sync: SyncSettings, concurrency: number): Promise<AuthCheck[]> {
  const destination = access.destination();
  if (!destination) throw new NoDestinationError();
  const { jobs, refused } = buildJobs(sync, destination, await access.directory());
  const pool = new WorkerPool(concurrency);
  const checks = await Promise.all(
    jobs.map((job) =>
      pool.run(async () => ({
        account: job.account,
        source: await testLogin(job.source.endpoint, job.source.credentials),
        destination: await testLogin(job.destination.endpoint, job.destination.credentials),
      })),
    ),
  );
  const notPossible = refused.map(({ account, reason }) => {
    const result: LoginTestResult = { ok: false, code: 'AUTH_FAILED', reason };
    return { account, source: result, destination: result };
  });
  return [...checks, ...notPossible].sort((a, b) => a.account.localeCompare(b.account));
}
