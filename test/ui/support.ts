// Helpers for the shell's screen tests: press keys by command name (through the keymap),
// wait for a frame condition instead of sleeping, read frames without ANSI.
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render as inkRender } from 'ink';
import type { ReactElement } from 'react';
import { keySequence, type Command } from '../../source/ui/keymap.ts';

/** What the helpers need of a rendered tree (ink-testing-library's or renderSized's). */
export interface Instance {
  stdin: { write(data: string): void };
  lastFrame(): string | undefined;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function frameOf(lastFrame: () => string | undefined): string {
  return stripVTControlCharacters(lastFrame() ?? '');
}

/** Waits until the (ANSI-stripped) frame satisfies the predicate; returns that frame. */
export async function waitForFrame(
  lastFrame: () => string | undefined,
  predicate: string | RegExp | ((frame: string) => boolean),
  timeoutMs = 3000,
): Promise<string> {
  const ok = (text: string) =>
    typeof predicate === 'string'
      ? text.includes(predicate)
      : predicate instanceof RegExp
        ? predicate.test(text)
        : predicate(text);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = frameOf(lastFrame);
    if (ok(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(predicate)}; last frame:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until a condition on something else than the frame holds (e.g. a recorded call). */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Writes raw keys one at a time and lets Ink and React handle each. */
export async function write(instance: Instance, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    instance.stdin.write(key);
    // Esc alone is only known after a setImmediate (Ink waits for a following sequence).
    await tick();
    await tick();
  }
}

/** Presses each command's first binding from the keymap. */
export async function press(instance: Instance, ...commands: Command[]): Promise<void> {
  await write(instance, ...commands.map(keySequence));
}

/** Types text one character at a time. */
export async function type(instance: Instance, text: string): Promise<void> {
  await write(instance, ...[...text]);
}

const mounted = new Set<{ unmount(): void }>();

/** Unmounts whatever a test left mounted (its timers would keep the process alive): use in afterEach. */
export function cleanup(): void {
  for (const instance of mounted) instance.unmount();
  mounted.clear();
}

/** Renders like ink-testing-library, on a terminal of a given size (its stdout has no rows and 100 columns). */
export function renderSized(tree: ReactElement, size: { columns: number; rows?: number } = { columns: 100 }) {
  const stdout = Object.assign(new EventEmitter(), {
    columns: size.columns,
    rows: size.rows,
    frames: [] as string[],
    write(frame: string) {
      stdout.frames.push(frame);
      return true;
    },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    data: null as string | null,
    write(data: string) {
      stdin.data = data;
      stdin.emit('readable');
      stdin.emit('data', data);
    },
    read() {
      const { data } = stdin;
      stdin.data = null;
      return data;
    },
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
  });
  const stderr = Object.assign(new EventEmitter(), { write: () => true });
  const instance = inkRender(tree, {
    stdout: stdout as never,
    stdin: stdin as never,
    stderr: stderr as never,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  // Asked at once: a promise asked for after the exit would never settle.
  const exited = instance.waitUntilExit();
  mounted.add(instance);
  return {
    stdin,
    stdout,
    lastFrame: () => stdout.frames.at(-1),
    unmount: () => instance.unmount(),
    waitUntilExit: () => exited,
    resize(columns: number, rows?: number) {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    },
  };
}

/** The lines of a frame (for layout checks). */
export const linesOf = (frame: string) => frame.split('\n');
