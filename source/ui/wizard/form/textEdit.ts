// Editing one line of text from keypresses: pure, so every screen's router can use it.
import type { Key } from 'ink';
import { replaceControlCharacters } from '../../../shared/text.ts';

export type TextKeyResult =
  | { kind: 'edit'; value: string; cursor: number }
  | { kind: 'commit' }
  | { kind: 'cancel' }
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'ignored' };

/** Printable text typed or pasted, without control characters; '' when the key is a command. */
export function typedText(input: string, key: Key): string {
  if (key.ctrl || key.meta || key.escape || key.return || key.tab) return '';
  return replaceControlCharacters(input, '');
}

export function textKey(value: string, cursor: number, input: string, key: Key): TextKeyResult {
  const at = Math.max(0, Math.min(cursor, value.length));
  if (key.escape) return { kind: 'cancel' };
  if (key.return) return { kind: 'commit' };
  if (key.tab) return { kind: key.shift ? 'prev' : 'next' };
  if (key.upArrow) return { kind: 'prev' };
  if (key.downArrow) return { kind: 'next' };
  if (key.leftArrow) return { kind: 'edit', value, cursor: Math.max(0, at - 1) };
  if (key.rightArrow) return { kind: 'edit', value, cursor: Math.min(value.length, at + 1) };
  if (key.home || (key.ctrl && input === 'a')) return { kind: 'edit', value, cursor: 0 };
  if (key.end || (key.ctrl && input === 'e')) return { kind: 'edit', value, cursor: value.length };
  if (key.ctrl && input === 'u') return { kind: 'edit', value: value.slice(at), cursor: 0 };
  if (key.ctrl && input === 'k') return { kind: 'edit', value: value.slice(0, at), cursor: at };
  // Terminals send DEL (0x7f) for Backspace, which Ink names `delete`: both erase backwards.
  if (key.backspace || key.delete) {
    if (at === 0) return { kind: 'edit', value, cursor: 0 };
    return { kind: 'edit', value: value.slice(0, at - 1) + value.slice(at), cursor: at - 1 };
  }
  const text = typedText(input, key);
  if (text.length === 0) return { kind: 'ignored' };
  return { kind: 'edit', value: value.slice(0, at) + text + value.slice(at), cursor: at + text.length };
}

/** A text being edited: its value, where the cursor is and what it was before (Esc restores it). */
export interface TextDraft {
  value: string;
  cursor: number;
  original: string;
}

export function startDraft(value: string): TextDraft {
  return { value, cursor: value.length, original: value };
}
