// Which control acts in which sync status (docs/spec.md D2), in one place: the engine's checks,
// the CLI and the dashboard (through its backend) all read this table.
import type { SyncStatus } from './syncModel.ts';

export type Control = 'start' | 'resume' | 'pause' | 'stop' | 'restart';

export const CONTROL_NAMES: readonly Control[] = ['start', 'resume', 'pause', 'stop', 'restart'];

/** For one control: whether it acts, and why not when it does not. */
export interface ControlAnswer {
  applies: boolean;
  reason?: string;
}

export type ControlTable = Record<Control, ControlAnswer>;

const yes: ControlAnswer = { applies: true };
const no = (reason: string): ControlAnswer => ({ applies: false, reason });

/**
 * The controls of a sync in `status`. `hasRun`: the sync has run at least once (a sync that never
 * ran has nothing to stop: docs/spec.md D2, issue 15). Start on a Paused sync resumes the same
 * run; Restart always begins a new one.
 */
export function controlsFor(status: SyncStatus, hasRun: boolean): ControlTable {
  const notRunning = no('it is not running');
  const neverRan = no('nothing to stop: it has never run');
  switch (status) {
    case 'Manual':
      return {
        start: yes,
        resume: no('it is not paused'),
        pause: notRunning,
        stop: neverRan,
        restart: no('it has never run; start it'),
      };
    case 'Scheduled':
      return {
        start: yes,
        resume: no('it is not paused'),
        pause: yes,
        stop: hasRun ? yes : neverRan,
        restart: no('it is waiting for its start; start it now instead'),
      };
    case 'Running':
      return {
        start: no('it is already running'),
        resume: no('it is already running'),
        pause: yes,
        stop: yes,
        restart: no('it is running; pause or stop it first'),
      };
    case 'Paused':
      return {
        start: yes,
        resume: yes,
        pause: no('it is already paused; resume continues it'),
        stop: yes,
        restart: yes,
      };
    case 'Stopped':
      return {
        start: yes,
        resume: no('it is stopped, not paused; start begins a new run'),
        pause: notRunning,
        stop: no('it is already stopped'),
        restart: yes,
      };
    case 'Interrupted':
      return {
        start: no('it was interrupted; restart continues where it left off'),
        resume: no('it was interrupted; restart continues where it left off'),
        pause: notRunning,
        stop: yes,
        restart: yes,
      };
    case 'Complete':
    case 'Complete with errors':
      return {
        start: no('it is complete; restart begins a new run'),
        resume: no('it is complete; restart begins a new run'),
        pause: notRunning,
        stop: no('it is complete'),
        restart: yes,
      };
  }
}

/** The one-line refusal of a control, naming the ones that act instead. */
export function refusal(control: Control, status: SyncStatus, hasRun: boolean): string | undefined {
  const table = controlsFor(status, hasRun);
  if (table[control].applies) return undefined;
  const valid = CONTROL_NAMES.filter((c) => table[c].applies);
  return `${control} does not apply to a ${status} sync: ${table[control].reason}${valid.length ? `; here: ${valid.join(', ')}` : ''}`;
}
