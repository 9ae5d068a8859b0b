// The composition root: parses the command line with yargs and maps every failure to
// one line on stderr and the exit codes of docs/spec.md section 8 (0, 1, 2 bad usage, 3 locked).
import yargs, { type Argv } from 'yargs';
import { exitCodeOf, ExitCode, UsageError } from '../errors.ts';
import { commands } from './commands/index.ts';
import { openDashboard } from './commands/ui.ts';
import { tuneRuntime } from './runtimeTuning.ts';

export interface GlobalOptions {
  'data-dir'?: string;
  json?: boolean;
}

export function buildParser(args: string[]): Argv<GlobalOptions> {
  let parser = yargs(args)
    .scriptName('imap-migrate')
    .usage(
      '$0 [command]\n\nMove mail accounts from an old IMAP server to a new one and keep them in step.\nWith no command it opens the dashboard.',
    )
    .option('data-dir', {
      type: 'string',
      describe: 'Directory for settings and datastore (default: $IMAP_MIGRATE_HOME or the platform data dir)',
      global: true,
    })
    .option('json', { type: 'boolean', describe: 'Machine-readable output', global: true })
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    // yargs prints its own message and the help on failure; we print one line and the help, then exit 2.
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message ?? 'bad usage', [], { showHelp: true });
    }) as unknown as Argv<GlobalOptions>;
  for (const command of commands) parser = parser.command(command as never);
  // With no command docs/spec.md section 8 opens the dashboard.
  parser = parser.command(
    '$0',
    false,
    () => undefined,
    (argv) => openDashboard(argv as never),
  ) as unknown as Argv<GlobalOptions>;
  return parser;
}

export async function main(args: string[]): Promise<void> {
  tuneRuntime();
  const parser = buildParser(args);
  try {
    await parser.parseAsync();
  } catch (error) {
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`imap-migrate: ${message.split('\n')[0]}\n`);
    if (error instanceof UsageError) {
      for (const line of error.details) process.stderr.write(`  ${line}\n`);
      if (error.showHelp) process.stderr.write('\n' + (await parser.getHelp()) + '\n');
    } else if (code === ExitCode.failed && process.env.IMAP_MIGRATE_DEBUG && error instanceof Error) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = code;
  }
}
