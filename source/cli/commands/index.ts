// Every top-level command, in the order `--help` lists them.
import type { GlobalOptions } from '../main.ts';
import type { CommandModule } from 'yargs';
import { accountsCommand } from './accounts.ts';
import { destinationCommand } from './destination.ts';
import { smtpCommand } from './smtp.ts';
import { syncCommand } from './sync.ts';
import { runDaemonCommand } from './run.ts';
import { uiCommand } from './ui.ts';
import { demoCommand } from './demo.ts';

export const commands: CommandModule<GlobalOptions, GlobalOptions>[] = [
  destinationCommand,
  accountsCommand,
  smtpCommand,
  syncCommand,
  runDaemonCommand,
  uiCommand,
  demoCommand,
];
