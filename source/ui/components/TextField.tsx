// A one-line text field drawn by the screen that owns it; the screen feeds it keys.
import { Text, type Key } from 'ink';
import { color } from '../layout.ts';

/** The edited value for this key, or undefined when the key is not an edit. */
export function editText(value: string, input: string, key: Key): string | undefined {
  if (key.backspace || key.delete) return [...value].slice(0, -1).join('');
  if (key.ctrl && input === 'u') return '';
  if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.upArrow || key.downArrow) return undefined;
  if (key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return undefined;
  if (!input) return undefined;
  return value + input.replace(/[\r\n\t]/g, ' ');
}

export function TextField({
  label,
  value,
  hint,
  width,
}: {
  label: string;
  value: string;
  hint?: string;
  width: number;
}) {
  const room = Math.max(4, width - label.length - 3 - (hint?.length ?? 0));
  const shown = value.length > room ? '…' + value.slice(value.length - room + 1) : value;
  return (
    <Text wrap="truncate">
      <Text bold color={color('accent')}>
        {label}
      </Text>
      {' ' + shown}
      <Text inverse> </Text>
      {hint ? <Text color={color('muted')}>{' ' + hint}</Text> : null}
    </Text>
  );
}
