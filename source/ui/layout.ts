// Terminal size and colour tokens shared by every screen.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { SyncStatus } from './backend.ts';

export interface TerminalSize {
  rows: number;
  columns: number;
}

/** The terminal's size, following 'resize'; 24x80 when unknown (test stdout has no rows). */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ rows: stdout?.rows || 24, columns: stdout?.columns || 80 });
  const [size, setSize] = useState<TerminalSize>(read);
  useEffect(() => {
    if (!stdout) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/** NO_COLOR (https://no-color.org): any non-empty value turns colours off. */
export const noColor = (): boolean => Boolean(process.env.NO_COLOR);

export type Tone = 'ok' | 'warn' | 'error' | 'active' | 'muted' | 'accent';

const toneColors: Record<Tone, string> = {
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  active: 'cyan',
  muted: 'gray',
  accent: 'blue',
};

/** The colour of a tone, or undefined under NO_COLOR. Always shown with a word, never alone. */
export function color(tone: Tone): string | undefined {
  return noColor() ? undefined : toneColors[tone];
}

export function statusTone(status: SyncStatus | string): Tone {
  switch (status) {
    case 'Running':
    case 'running':
      return 'active';
    case 'Complete':
    case 'complete':
      return 'ok';
    case 'Complete with errors':
    case 'Interrupted':
    case 'failed':
    case 'interrupted':
      return 'error';
    case 'Paused':
    case 'Stopped':
    case 'paused':
    case 'stopped':
      return 'warn';
    default:
      return 'muted';
  }
}

/** Pad or cut a cell to exactly `width` characters ("…" when cut). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length > width) return width === 1 ? '…' : chars.slice(0, width - 1).join('') + '…';
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wordWrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(8, width);
  const lines: string[] = [];
  let rest = [...text];
  let prefix = '';
  while (rest.length > 0) {
    const space = room - prefix.length;
    if (rest.length <= space) {
      lines.push(prefix + rest.join(''));
      break;
    }
    let cut = rest.lastIndexOf(' ', space);
    if (cut < space / 2) cut = space;
    lines.push(prefix + rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === ' ') rest.shift();
    prefix = indent.slice(0, Math.floor(room / 2));
  }
  return lines.length > 0 ? lines : [''];
}
