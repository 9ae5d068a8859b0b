// One keymap (docs/engineering.md section 4): every key is data. The key router, the hint bar, the
// `?` overlay and the tests (press(Command.Pause)) all read it.
import type { Key } from 'ink';

/** One line of help: what the hint bar and the `?` overlay show. */
export interface KeyHelp {
  keys: string;
  description: string;
  category?: string;
  dangerous?: boolean;
}

export type Command =
  | 'quit'
  | 'back'
  | 'help'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'open'
  | 'filter'
  | 'newSync'
  | 'recreate'
  | 'directory'
  | 'settings'
  | 'start'
  | 'pause'
  | 'stop'
  | 'restart'
  | 'threadsUp'
  | 'threadsDown'
  | 'note'
  | 'historyMore'
  | 'historyLess'
  | 'prevRun'
  | 'nextRun'
  | 'sortPrev'
  | 'sortNext'
  | 'sortReverse'
  | 'exportCsv'
  | 'details'
  | 'focusNext'
  | 'yes'
  | 'no';

/** A binding: a printable character, or a named key of Ink's `Key`. */
export type Binding = string | { key: keyof Key; ctrl?: boolean; shift?: boolean; input?: string };

export interface KeySpec extends KeyHelp {
  bindings: Binding[];
}

const nav = 'Move';
const act = 'Actions';
const gen = 'General';

export const keymap: Record<Command, KeySpec> = {
  quit: { bindings: ['q', { key: 'ctrl', input: 'c' }], keys: 'q', description: 'quit', category: gen },
  back: { bindings: [{ key: 'escape' }], keys: 'Esc', description: 'back', category: gen },
  help: { bindings: ['?'], keys: '?', description: 'help', category: gen },
  up: { bindings: ['k', { key: 'upArrow' }], keys: '↑/k', description: 'up', category: nav },
  down: { bindings: ['j', { key: 'downArrow' }], keys: '↓/j', description: 'down', category: nav },
  pageUp: { bindings: [{ key: 'pageUp' }], keys: 'PgUp', description: 'page up', category: nav },
  pageDown: { bindings: [{ key: 'pageDown' }], keys: 'PgDn', description: 'page down', category: nav },
  top: { bindings: ['g', { key: 'home' }], keys: 'g', description: 'first row', category: nav },
  bottom: { bindings: ['G', { key: 'end' }], keys: 'G', description: 'last row', category: nav },
  open: { bindings: [{ key: 'return' }], keys: 'Enter', description: 'open', category: nav },
  filter: { bindings: ['/'], keys: '/', description: 'filter', category: nav },
  newSync: { bindings: ['n'], keys: 'n', description: 'new sync', category: act },
  recreate: { bindings: ['r'], keys: 'r', description: 'recreate', category: act },
  directory: { bindings: ['a'], keys: 'a', description: 'accounts', category: act },
  settings: { bindings: ['S'], keys: 'S', description: 'settings', category: act },
  start: { bindings: ['s'], keys: 's', description: 'start', category: act },
  pause: { bindings: ['p'], keys: 'p', description: 'pause', category: act },
  stop: { bindings: ['x'], keys: 'x', description: 'stop', category: act, dangerous: true },
  restart: { bindings: ['R'], keys: 'R', description: 'restart', category: act },
  threadsUp: { bindings: ['+', '='], keys: '+', description: 'threads +1', category: act },
  threadsDown: { bindings: ['-'], keys: '-', description: 'threads -1', category: act },
  note: { bindings: ['N'], keys: 'N', description: 'note', category: act },
  historyMore: { bindings: ['m'], keys: 'm', description: 'more history', category: 'View' },
  historyLess: { bindings: ['l'], keys: 'l', description: 'less history', category: 'View' },
  prevRun: { bindings: ['['], keys: '[', description: 'previous run', category: 'View' },
  nextRun: { bindings: [']'], keys: ']', description: 'next run', category: 'View' },
  sortPrev: { bindings: ['<', ','], keys: '<', description: 'sort column ←', category: 'View' },
  sortNext: { bindings: ['>', '.'], keys: '>', description: 'sort column →', category: 'View' },
  sortReverse: { bindings: ['o'], keys: 'o', description: 'reverse sort order', category: 'View' },
  exportCsv: { bindings: ['e'], keys: 'e', description: 'export CSV', category: act },
  details: { bindings: ['v'], keys: 'v', description: 'view whole lines', category: 'View' },
  focusNext: { bindings: [{ key: 'tab' }], keys: 'Tab', description: 'next pane', category: nav },
  yes: { bindings: ['y', 'Y'], keys: 'y', description: 'yes', category: gen },
  no: {
    bindings: ['n', 'N', { key: 'escape' }, { key: 'return' }],
    keys: 'N',
    description: 'no (default)',
    category: gen,
  },
};

/** Does this key press (Ink's `useInput` arguments) trigger the command? */
export function matches(command: Command, input: string, key: Key): boolean {
  return keymap[command].bindings.some((binding) => {
    if (typeof binding === 'string') return input === binding && !key.ctrl && !(key.meta && !key.escape);
    if (!key[binding.key]) return false;
    if (binding.input !== undefined && input !== binding.input) return false;
    if (binding.shift !== undefined && key.shift !== binding.shift) return false;
    // Escape also sets key.meta in Ink; a plain Tab must not match Shift+Tab.
    return binding.key !== 'tab' || !key.shift;
  });
}

/**
 * The commands each layer answers to besides the global ones: the screens' help reads them here,
 * and the keymap test checks that one key never means two things in a layer.
 */
export const layerCommands: Record<'list' | 'details' | 'account' | 'dialog', readonly Command[]> = {
  list: [
    'open',
    'newSync',
    'recreate',
    'filter',
    'directory',
    'settings',
    'up',
    'down',
    'pageUp',
    'pageDown',
    'top',
    'bottom',
  ],
  // The controls, then the view's keys in the order the `?` overlay lists them.
  details: [
    'start',
    'pause',
    'stop',
    'restart',
    'recreate',
    'open',
    'threadsUp',
    'threadsDown',
    'note',
    'prevRun',
    'nextRun',
    'sortPrev',
    'sortNext',
    'sortReverse',
    'historyMore',
    'historyLess',
    'exportCsv',
    'details',
    'up',
    'down',
    'pageUp',
    'pageDown',
    'top',
    'bottom',
  ],
  account: ['focusNext', 'up', 'down', 'pageUp', 'pageDown', 'top', 'bottom'],
  dialog: ['yes', 'no'],
};

/** A binding as one comparable name (`R`, `escape`, `ctrl+c`). */
const bindingName = (binding: Binding) =>
  typeof binding === 'string'
    ? binding
    : `${binding.ctrl || binding.key === 'ctrl' ? 'ctrl+' : ''}${binding.shift ? 'shift+' : ''}${binding.key === 'ctrl' ? '' : binding.key}${binding.input ?? ''}`;

/** Keys bound to more than one of `commands`: `key: a, b` for each. */
export function keyClashes(commands: readonly Command[]): string[] {
  const owners = new Map<string, Command[]>();
  for (const command of new Set(commands))
    for (const binding of keymap[command].bindings) {
      const name = bindingName(binding);
      owners.set(name, [...(owners.get(name) ?? []), command]);
    }
  return [...owners].filter(([, list]) => list.length > 1).map(([name, list]) => `${name}: ${list.join(', ')}`);
}

/** Help lines of these commands (for a screen's hint bar and the overlay). */
export function helpOf(
  commands: readonly Command[],
  overrides: Partial<Record<Command, Partial<KeyHelp>>> = {},
): KeyHelp[] {
  return commands.map((command) => {
    const { keys, description, category, dangerous } = keymap[command];
    return { keys, description, category, dangerous, ...overrides[command] };
  });
}

/** Keys every screen has (the shell handles them). */
export const globalKeys: KeyHelp[] = helpOf(['help', 'back', 'quit']);

/** What a test writes to stdin to press a command's first binding. */
export function keySequence(command: Command): string {
  const binding = keymap[command].bindings[0]!;
  if (typeof binding === 'string') return binding;
  const sequences: Partial<Record<keyof Key, string>> = {
    escape: '\u001B',
    return: '\r',
    tab: '\t',
    upArrow: '\u001B[A',
    downArrow: '\u001B[B',
    leftArrow: '\u001B[D',
    rightArrow: '\u001B[C',
    pageUp: '\u001B[5~',
    pageDown: '\u001B[6~',
    home: '\u001B[H',
    end: '\u001B[F',
    backspace: '\u007F',
    delete: '\u001B[3~',
  };
  if (binding.key === 'ctrl' && binding.input) return String.fromCharCode(binding.input.charCodeAt(0) - 96);
  return sequences[binding.key] ?? '';
}
