// A scrollable log: lines hard-wrapped to the width (continuations indented), a window of
// `height` lines, pinned to the end unless scrolled up.
import { Box, Text, type Key } from 'ink';
import { matches } from '../keymap.ts';
import { color, wordWrap } from '../layout.ts';

export interface LogLineView {
  text: string;
  tone?: 'error';
}

/** Wraps each line to `width` at spaces where it can; continuation lines are indented. */
export function wrapLines(lines: LogLineView[], width: number, indent = 20): LogLineView[] {
  return lines.flatMap((line) => wordWrap(line.text, width, ' '.repeat(indent)).map((text) => ({ ...line, text })));
}

/** 'end' follows new lines; a number is the first line shown. */
export type Scroll = number | 'end';

export function firstLine(scroll: Scroll, count: number, height: number): number {
  const last = Math.max(0, count - height);
  return scroll === 'end' ? last : Math.max(0, Math.min(scroll, last));
}

/** The scroll after a movement key, or undefined when the key is not one. */
export function scrollBy(input: string, key: Key, scroll: Scroll, count: number, height: number): Scroll | undefined {
  const first = firstLine(scroll, count, height);
  const last = Math.max(0, count - height);
  let next: number;
  if (matches('up', input, key)) next = first - 1;
  else if (matches('down', input, key)) next = first + 1;
  else if (matches('pageUp', input, key)) next = first - height;
  else if (matches('pageDown', input, key)) next = first + height;
  else if (matches('top', input, key)) next = 0;
  else if (matches('bottom', input, key)) return 'end';
  else return undefined;
  next = Math.max(0, Math.min(last, next));
  return next >= last ? 'end' : next;
}

export function LogPane({
  title,
  lines,
  height,
  scroll,
  focused,
  empty,
}: {
  title: string;
  lines: LogLineView[];
  height: number;
  scroll: Scroll;
  focused: boolean;
  empty: string;
}) {
  const rows = Math.max(1, height - 1);
  const first = firstLine(scroll, lines.length, rows);
  const shown = lines.slice(first, first + rows);
  const position = lines.length > rows ? `  ${first + 1}-${first + shown.length} of ${lines.length}` : '';
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate" bold>
        <Text color={focused ? color('accent') : undefined} inverse={focused}>{` ${title} `}</Text>
        <Text color={color('muted')}>{position}</Text>
      </Text>
      {lines.length === 0 ? <Text color={color('muted')}>{empty}</Text> : null}
      {shown.map((line, i) => (
        <Text key={first + i} wrap="truncate" color={line.tone ? color(line.tone) : undefined}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
