// One key router (docs/engineering.md section 4): the shell owns the only `useInput` for its own
// screens and dispatches each key to one layer, dialog > screen (text field inside) > global.
// A screen registers its handler with useKeys(); the handler returns true when it used the key.
import type { Key } from 'ink';
import { createContext, useContext, useLayoutEffect, useRef, type ReactNode } from 'react';
import type { KeyHelp } from './keymap.ts';

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
export function useKeys(handler: KeyHandler, isActive: boolean): void {
  const { screen } = useRouter();
  const latest = useRef(handler);
  latest.current = handler;
  useLayoutEffect(() => {
    if (!isActive) return;
    const dispatch: KeyHandler = (input, key) => latest.current(input, key);
    screen.current = dispatch;
    return () => {
      if (screen.current === dispatch) screen.current = undefined;
    };
  }, [isActive, screen]);
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
