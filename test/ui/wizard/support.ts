// Helpers for screen tests: keys by name, pressing with a pause for React, waiting for a
// frame condition (never a fixed sleep), frames without ANSI.
import { stripVTControlCharacters } from 'node:util';
import type { render } from 'ink-testing-library';

export type Instance = ReturnType<typeof render>;

export const KEY = {
  enter: '\r',
  esc: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  space: ' ',
  backspace: '\u007f',
  ctrlU: '\u0015',
} as const;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function frame(instance: Instance): string {
  return stripVTControlCharacters(instance.lastFrame() ?? '');
}

/** The frame as one line (words wrapped by the layout joined again), for sentences. */
export function flat(instance: Instance): string {
  return frame(instance).replace(/\s+/g, ' ');
}

/** Waits until the frame satisfies `test` (a string it must hold, or a predicate). */
export async function waitFor(
  instance: Instance,
  test: string | RegExp | ((frame: string) => boolean),
  timeoutMs = 3000,
): Promise<string> {
  const ok = (text: string) =>
    typeof test === 'string'
      ? text.includes(test) || text.replace(/\s+/g, ' ').includes(test)
      : test instanceof RegExp
        ? test.test(text)
        : test(text);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = frame(instance);
    if (ok(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)}; last frame:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Writes each key (a name of KEY or literal text) and lets Ink and React handle it. */
export async function press(instance: Instance, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    instance.stdin.write(key);
    // Esc alone is only known after a setImmediate (Ink waits for a following sequence).
    await tick();
    await tick();
  }
}

/** Types text as one paste (the way Ink receives several characters at once). */
export async function type(instance: Instance, text: string): Promise<void> {
  await press(instance, text);
}

/** Waits until `predicate` holds (for calls recorded by the fake backend). */
export async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
