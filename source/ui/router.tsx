// One key router (docs/engineering.md section 4): the shell owns the only `useInput` and
// dispatches each key to one layer, dialog > help > text field > screen > global.
// A screen registers its handler with useKeys(); the handler returns true when it used the key.
import type { Key } from 'ink';
import { Box, Text, useInput } from 'ink';
import { createContext, useContext, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { matches, type KeyHelp } from './keymap.ts';

export type KeyHandler = (input: string, key: Key) => boolean;

export interface ConfirmRequest {
  message: string;
  /** Shown in red/bold: the action loses or stops something. */
  dangerous?: boolean;
  onYes(): void;
  onNo?(): void;
}

export interface Router {
  /** The active screen's handler (the latest registered wins). */
  screen: { current: KeyHandler | undefined };
  /** Whether the active screen has a text field being edited now (it then takes `?`, `q` and pastes). */
  editing: { current: (() => boolean) | undefined };
  /** Ask y/N above every screen; No is the default. */
  confirm(request: ConfirmRequest): void;
  /** The keys the hint bar shows for the active screen now (its state decides which act). */
  setHints(keys: KeyHelp[]): void;
}

const RouterContext = createContext<Router | undefined>(undefined);

export function RouterProvider({ router, children }: { router: Router; children: ReactNode }) {
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter outside RouterProvider');
  return router;
}

/**
 * Register this screen's key handler while `isActive`. A layout effect: the handler changes
 * in the same commit as the frame, so a key pressed after a frame goes to the screen it shows.
 */
export function useKeys(handler: KeyHandler, isActive: boolean, editing?: () => boolean): void {
  const router = useRouter();
  const latest = useRef({ handler, editing });
  latest.current = { handler, editing };
  useLayoutEffect(() => {
    if (!isActive) return;
    const dispatch: KeyHandler = (input, key) => latest.current.handler(input, key);
    const isEditing = () => latest.current.editing?.() ?? false;
    router.screen.current = dispatch;
    router.editing.current = isEditing;
    return () => {
      if (router.screen.current === dispatch) router.screen.current = undefined;
      if (router.editing.current === isEditing) router.editing.current = undefined;
    };
  }, [isActive, router]);
}

/** Show these keys in the hint bar while `isActive`. */
export function useHints(keys: KeyHelp[], isActive: boolean): void {
  const { setHints } = useRouter();
  const signature = keys.map((k) => `${k.keys}\u0000${k.description}`).join('\u0001');
  const latest = useRef(keys);
  latest.current = keys;
  useLayoutEffect(() => {
    if (isActive) setHints(latest.current);
  }, [isActive, signature, setHints]);
}

/** A Key with nothing pressed: the base of each keypress the router splits off a chunk. */
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** One character as Ink names it when it arrives alone (Return, Tab, Backspace, DEL, Ctrl+letter, text). */
export function keyOfChar(char: string): { input: string; key: Key } {
  const code = char.charCodeAt(0);
  if (char === '\r') return { input: '', key: { ...NO_KEY, return: true } };
  if (char === '\t') return { input: '', key: { ...NO_KEY, tab: true } };
  if (char === '\b') return { input: '', key: { ...NO_KEY, backspace: true } };
  if (char === '\u007F') return { input: '', key: { ...NO_KEY, delete: true } };
  if (char.length === 1 && code >= 1 && code <= 26 && char !== '\n')
    return { input: String.fromCharCode(code + 96), key: { ...NO_KEY, ctrl: true } };
  return { input: char, key: { ...NO_KEY, shift: /^[A-Z]$/.test(char) } };
}

const isPrintable = (char: string) => {
  const code = char.codePointAt(0) ?? 0;
  return code >= 0x20 && code !== 0x7f;
};

/**
 * Over SSH, or with a key held, several keystrokes arrive in one read and Ink hands them over as
 * one input (it splits only escape sequences). This cuts such a chunk into single keypresses: each
 * control byte alone, each printable character alone, except that while a text field is being
 * edited (`editing()`, asked again before each piece) a run of printable characters is one piece of
 * typed or pasted text.
 */
export function splitKeypresses(
  input: string,
  key: Key,
  editing: () => boolean,
  deliver: (input: string, key: Key) => void,
): void {
  const chars = [...input];
  const named = Object.entries(key).some(([name, value]) => value === true && name !== 'shift');
  if (chars.length <= 1 || named) return deliver(input, key);
  let at = 0;
  while (at < chars.length) {
    const char = chars[at]!;
    if (isPrintable(char) && editing()) {
      let end = at;
      while (end < chars.length && isPrintable(chars[end]!)) end++;
      deliver(chars.slice(at, end).join(''), { ...NO_KEY });
      at = end;
      continue;
    }
    const single = keyOfChar(char);
    deliver(single.input, single.key);
    at++;
  }
}

/**
 * The router without the shell (for one screen rendered alone, e.g. in its tests): keys are split
 * and go to the dialog, else to the screen; hints are dropped.
 */
export function ScreenRouter({ children }: { children: ReactNode }) {
  const [dialog, setDialog] = useState<ConfirmRequest | undefined>(undefined);
  const screen = useRef<KeyHandler | undefined>(undefined);
  const editing = useRef<(() => boolean) | undefined>(undefined);
  const router = useMemo<Router>(() => ({ screen, editing, confirm: setDialog, setHints: () => {} }), []);
  const latestDialog = useRef(dialog);
  latestDialog.current = dialog;
  useInput((chunk, chunkKey) =>
    splitKeypresses(
      chunk,
      chunkKey,
      () => !latestDialog.current && (editing.current?.() ?? false),
      (input, key) => {
        const open = latestDialog.current;
        if (!open) return void screen.current?.(input, key);
        if (matches('yes', input, key)) {
          latestDialog.current = undefined;
          setDialog(undefined);
          open.onYes();
        } else if (matches('no', input, key)) {
          latestDialog.current = undefined;
          setDialog(undefined);
          open.onNo?.();
        }
      },
    ),
  );
  return (
    <RouterContext.Provider value={router}>
      <Box flexDirection="column">
        {children}
        {dialog ? <Text>{`${dialog.message} y/N`}</Text> : null}
      </Box>
    </RouterContext.Provider>
  );
}
