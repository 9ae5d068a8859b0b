// The yargs options of `sync create` and `sync recreate`.
import type { Argv } from 'yargs';
import { DEFAULT_CONNECTIONS } from '../engine/types.ts';

/** The options of `sync create`; without defaults for `recreate`, where an absent option keeps the old value. */
export function createOptions(yargs: Argv, withDefaults: boolean): Argv {
  const d = <T>(value: T) => (withDefaults ? { default: value } : {});
  return yargs
    .option('host', {
      type: 'string',
      describe: 'Source IMAP server (host name or IP)',
      ...(withDefaults ? { demandOption: 'give the source server with --host' } : {}),
    })
    .option('port', { type: 'string', describe: 'Source port (143; 993 with --tls tls)' })
    .option('tls', { type: 'string', describe: 'none | starttls | tls (implicit) (starttls)' })
    .option('allow-invalid-cert', { type: 'boolean', describe: 'Accept a source certificate that does not verify' })
    .option('mode', {
      type: 'string',
      describe: 'all (mirror) | flags-new | new',
      ...(withDefaults ? { demandOption: 'choose a sync mode with --mode all|flags-new|new' } : {}),
    })
    .option('dry-run', {
      type: 'boolean',
      ...d(true),
      describe: 'Only plan and log; --no-dry-run to change the destination',
    })
    .option('confirm-sync-all', { type: 'boolean', describe: 'Confirm a Sync All (mirror) without dry run' })
    .option('group', { type: 'string', ...d('all'), describe: 'all | admin | specific' })
    .option('accounts', { type: 'string', describe: 'With --group specific: a@x,b@y' })
    .option('credentials', { type: 'string', describe: 'CSV file with header email,remote_user,remote_password' })
    .option('append-domain', { type: 'string', describe: 'Append @DOMAIN to remote usernames without one' })
    .option('remove-domain', { type: 'boolean', describe: 'Remove @domain from remote usernames' })
    .option('source-admin-user', {
      type: 'string',
      describe: 'Admin (master) login on the source, to log in as each user',
    })
    .option('source-admin-password-file', { type: 'string', describe: 'File holding the source admin password' })
    .option('source-admin-password', {
      type: 'string',
      describe: 'Source admin password (prefer the file or $IMAP_MIGRATE_SOURCE_ADMIN_PASSWORD)',
    })
    .option('threads', { type: 'string', describe: 'Accounts synced at once (1)' })
    .option('connections', {
      type: 'string',
      describe: `Connections per user on each server; that many folders of an account are synced at once (default ${DEFAULT_CONNECTIONS}; Dovecot allows 10)`,
    })
    .option('start', { type: 'string', describe: 'now | manual | ISO-8601 time (now)' })
    .option('loop-until', { type: 'string', describe: 'Repeat a pass every interval until this ISO-8601 time' })
    .option('loop-interval', { type: 'string', describe: 'Interval between passes, e.g. 30m, 1h (1h)' })
    .option('notify', { type: 'string', describe: 'Addresses to notify, separated by ;' })
    .option('delete-guard', {
      type: 'string',
      describe: 'Sync All: stop an account whose pass would delete more than this % (10)',
    })
    .option('allow-mass-delete', { type: 'boolean', describe: 'Sync All: lift the deletion guard' })
    .option('special-use-mapping', {
      type: 'boolean',
      ...d(true),
      describe: "Map Sent/Drafts/Trash/Junk/Archive onto the destination's",
    });
}
