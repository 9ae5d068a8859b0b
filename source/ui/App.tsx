// The dashboard's root: a stack of screens, one key router (dialog > help > text field > screen > global),
// a hint bar, the `?` overlay, and quit (asking first while syncs run).
import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { DashboardBackend, SyncRecord, SyncSettings } from './backend.ts';
import { HelpOverlay } from './components/HelpOverlay.tsx';
import { HintBar } from './components/HintBar.tsx';
import { errorMessage } from './format.ts';
import { FormScreen, formScreenKeys, type FormScreenKind } from './formScreens.tsx';
import { globalKeys, helpOf, matches, type KeyHelp } from './keymap.ts';
import { color, useTerminalSize, wordWrap } from './layout.ts';
import { RouterProvider, splitKeypresses, type ConfirmRequest, type KeyHandler, type Router } from './router.tsx';
import { AccountDetail, accountDetailKeys } from './screens/AccountDetail.tsx';
import { SyncDetails, syncDetailsKeys } from './screens/SyncDetails.tsx';
import { SyncList, syncListKeys } from './screens/SyncList.tsx';

export type Screen =
  | { kind: 'list' }
  | { kind: 'details'; syncId: string }
  | { kind: 'account'; syncId: string; runId: string; account: string }
  | { kind: 'wizard'; initial?: SyncSettings; recreateFrom?: string }
  | { kind: 'directory' }
  | { kind: 'settings' };

const TITLES: Record<Screen['kind'], string> = {
  list: 'Syncs',
  details: 'Sync details',
  account: 'Account detail',
  wizard: 'New sync',
  directory: 'Account directory',
  settings: 'Settings',
};

const isFormScreen = (screen: Screen): screen is Screen & { kind: FormScreenKind } =>
  screen.kind === 'wizard' || screen.kind === 'directory' || screen.kind === 'settings';

/** The smallest terminal the dashboard draws in (README, "The dashboard"). */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 20;

/** A sync's settings without what the store added (for Recreate). */
export function settingsOf(sync: SyncRecord): SyncSettings {
  const {
    id: _id,
    createdAt: _createdAt,
    status: _status,
    nextRunAt: _nextRunAt,
    recreatedFrom: _recreatedFrom,
    ...settings
  } = sync;
  return settings;
}

export function quitQuestion(running: number): string {
  return `${running} sync${running === 1 ? ' is' : 's are'} running: ${running === 1 ? 'it' : 'they'} will pause at a safe point and continue at the next start. Quit?`;
}

export function App({ backend }: { backend: DashboardBackend }) {
  const { exit } = useApp();
  const { rows, columns } = useTerminalSize();
  const [stack, setStack] = useState<Screen[]>([{ kind: 'list' }]);
  const [help, setHelp] = useState(false);
  const [helpScroll, setHelpScroll] = useState(0);
  const openHelp = () => {
    setHelpScroll(0);
    setHelp(true);
  };
  const [dialog, setDialog] = useState<ConfirmRequest | undefined>(undefined);
  const [hints, setHints] = useState<KeyHelp[]>([]);
  const [quitting, setQuitting] = useState<string | undefined>(undefined);
  const screenHandler = useRef<KeyHandler | undefined>(undefined);
  const screenEditing = useRef<(() => boolean) | undefined>(undefined);
  const router = useMemo<Router>(
    () => ({ screen: screenHandler, editing: screenEditing, confirm: setDialog, setHints }),
    [],
  );
  const top = stack[stack.length - 1]!;
  const formOnTop = isFormScreen(top);

  const push = (screen: Screen) => {
    setHelp(false);
    setStack((s) => [...s, screen]);
  };
  const pop = () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s));
  const replaceTop = (screen: Screen) => setStack((s) => [...s.slice(0, -1), screen]);

  const quitNow = () => {
    setDialog(undefined);
    setQuitting('Pausing running syncs at a safe point…');
    backend
      .shutdown()
      .catch((error: unknown) => setQuitting(`Could not pause every sync: ${errorMessage(error)}`))
      .finally(() => exit());
  };
  const requestQuit = () => {
    const running = backend.liveRuns().length;
    if (running === 0) return quitNow();
    setDialog({ message: quitQuestion(running), dangerous: true, onYes: quitNow });
  };

  // One stable handler reading the latest state: Ink subscribes it once, and a key pressed
  // right after a frame sees that frame's state (not the closure of an older render).
  const latest = useRef({ dialog, help, quitting, formOnTop, requestQuit, pop });
  latest.current = { dialog, help, quitting, formOnTop, requestQuit, pop };
  const onKeypress = useCallback((input: string, key: Key) => {
    const { dialog, help, quitting, formOnTop, requestQuit, pop } = latest.current;
    if (quitting) return;
    if (dialog) {
      if (matches('yes', input, key)) {
        setDialog(undefined);
        dialog.onYes();
      } else if (matches('no', input, key)) {
        setDialog(undefined);
        dialog.onNo?.();
      }
      return;
    }
    if (key.ctrl && input === 'c') return requestQuit();
    if (help) {
      if (matches('help', input, key) || matches('back', input, key) || matches('quit', input, key)) setHelp(false);
      else if (matches('down', input, key)) setHelpScroll((n) => n + 1);
      else if (matches('up', input, key)) setHelpScroll((n) => Math.max(0, n - 1));
      else if (matches('pageDown', input, key)) setHelpScroll((n) => n + 10);
      else if (matches('pageUp', input, key)) setHelpScroll((n) => Math.max(0, n - 10));
      return;
    }
    // Text field > screen > global. A screen that says when a text field is being edited (the form
    // screens) gets `?` only then; a screen that does not say sees every key first.
    const editing = screenEditing.current;
    if (editing && !editing() && matches('help', input, key)) return openHelp();
    // The form screens take every other key (Esc and q mean something in their fields and steps).
    if (screenHandler.current?.(input, key) || formOnTop) return;
    if (matches('help', input, key)) openHelp();
    else if (matches('back', input, key)) pop();
    else if (matches('quit', input, key)) requestQuit();
  }, []);
  const onKey = useCallback(
    (input: string, key: Key) =>
      splitKeypresses(input, key, () => !latest.current.dialog && (screenEditing.current?.() ?? false), onKeypress),
    [onKeypress],
  );
  useInput(onKey);

  const height = Math.max(5, rows - 1);
  const dialogText = dialog ? `${dialog.message} y/N` : quitting;
  const barLines = dialogText ? wordWrap(dialogText, columns) : [];
  const screenHeight = Math.max(3, height - Math.max(1, barLines.length));
  const screenKeys = hints;
  const pinnedKeys = formOnTop
    ? [{ keys: 'Ctrl+C', description: 'quit' }]
    : globalKeys.filter((k) => stack.length > 1 || k.keys !== 'Esc');
  const fullHelp = (): KeyHelp[] => {
    const own =
      top.kind === 'list'
        ? syncListKeys
        : top.kind === 'details'
          ? syncDetailsKeys
          : top.kind === 'account'
            ? accountDetailKeys
            : formScreenKeys(top.kind);
    return [...own, ...helpOf(['help', 'back', 'quit'], { quit: { keys: 'q Ctrl+C', description: 'quit' } })];
  };

  const renderScreen = (screen: Screen, active: boolean) => {
    const common = { backend, isActive: active, width: columns, height: screenHeight };
    switch (screen.kind) {
      case 'list':
        return (
          <SyncList
            {...common}
            onOpen={(syncId) => push({ kind: 'details', syncId })}
            onNew={() => push({ kind: 'wizard' })}
            onRecreate={(sync) => push({ kind: 'wizard', initial: settingsOf(sync), recreateFrom: sync.id })}
            onDirectory={() => push({ kind: 'directory' })}
            onSettings={() => push({ kind: 'settings' })}
          />
        );
      case 'details':
        return (
          <SyncDetails
            {...common}
            syncId={screen.syncId}
            onOpenAccount={(runId, account) => push({ kind: 'account', syncId: screen.syncId, runId, account })}
            onRecreate={(sync) => push({ kind: 'wizard', initial: settingsOf(sync), recreateFrom: sync.id })}
          />
        );
      case 'account':
        return <AccountDetail {...common} runId={screen.runId} account={screen.account} />;
      default:
        return (
          <FormScreen
            kind={screen.kind}
            {...common}
            initial={screen.kind === 'wizard' ? screen.initial : undefined}
            recreateFrom={screen.kind === 'wizard' ? screen.recreateFrom : undefined}
            onDone={(syncId) => replaceTop({ kind: 'details', syncId })}
            onBack={pop}
          />
        );
    }
  };

  // Below the smallest usable size one line says so instead of a frame that breaks (issue 17.11).
  if (columns < MIN_COLUMNS || rows < MIN_ROWS)
    return <Text wrap="truncate">{`terminal too small: ${columns} x ${rows}, need ${MIN_COLUMNS} x ${MIN_ROWS}`}</Text>;

  return (
    <RouterProvider router={router}>
      {/* Clipped to rows - 1: a screen whose content runs longer (wrapped lines on a narrow
          terminal) must not make the frame taller, or Ink scrolls the title away (issue 17.11). */}
      <Box flexDirection="column" width={columns} height={height} overflow="hidden">
        {stack.map((screen, i) => {
          const isTop = i === stack.length - 1;
          return (
            <Box
              key={`${i}-${screen.kind}`}
              display={isTop && !help ? 'flex' : 'none'}
              height={screenHeight}
              flexDirection="column"
              overflow="hidden"
            >
              {renderScreen(screen, isTop && !help && !quitting && !(dialog && isFormScreen(screen)))}
            </Box>
          );
        })}
        {help ? (
          <HelpOverlay
            title={TITLES[top.kind]}
            keys={fullHelp()}
            width={columns}
            height={screenHeight}
            scroll={helpScroll}
          />
        ) : null}
        {dialogText ? (
          barLines.map((line, i) => (
            <Text key={i} bold wrap="truncate" color={dialog?.dangerous ? color('error') : color('warn')} inverse>
              {line.padEnd(columns)}
            </Text>
          ))
        ) : (
          <HintBar
            keys={help ? helpOf(['back'], { back: { description: 'close help' } }) : screenKeys}
            pinned={help ? [] : pinnedKeys}
            width={columns}
          />
        )}
      </Box>
    </RouterProvider>
  );
}
