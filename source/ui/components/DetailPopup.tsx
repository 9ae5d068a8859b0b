// Rows cut to fit a table, shown whole (issue 17.4): each entry wrapped to the width, scrolled
// with the movement keys; the screen that opens it feeds it keys and closes it.
import { Box, Text } from 'ink';
import { color } from '../layout.ts';

export interface DetailEntry {
  /** First line of the entry (date, type, user...). */
  heading: string;
  /** The text that was cut, shown whole and wrapped. */
  body: string;
}

/** Greedy word wrap; a word longer than the line is cut into pieces. */
function wrapWords(text: string, room: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = [...word];
    while (rest.length > room) {
      if (line) lines.push(line);
      lines.push(rest.slice(0, room).join(''));
      line = '';
      rest = rest.slice(room);
    }
    const piece = rest.join('');
    if (!line) line = piece;
    else if ([...line].length + 1 + rest.length <= room) line += ' ' + piece;
    else {
      lines.push(line);
      line = piece;
    }
  }
  lines.push(line);
  return lines;
}

/** The lines the entries take at `width` (for scrolling). */
export function detailLines(entries: DetailEntry[], width: number): { text: string; heading: boolean }[] {
  const room = Math.max(10, width - 4);
  const lines: { text: string; heading: boolean }[] = [];
  for (const entry of entries) {
    lines.push({ text: entry.heading, heading: true });
    for (const paragraph of (entry.body || '-').split('\n'))
      for (const line of wrapWords(paragraph, room)) lines.push({ text: '  ' + line, heading: false });
  }
  return lines;
}

export function DetailPopup({
  title,
  entries,
  offset,
  width,
  height,
}: {
  title: string;
  entries: DetailEntry[];
  offset: number;
  width: number;
  height: number;
}) {
  const lines = detailLines(entries, width);
  const rows = Math.max(1, height - 3);
  const top = Math.max(0, Math.min(offset, lines.length - rows));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color('accent')} width={width} height={height}>
      <Text bold wrap="truncate">
        {title}
        <Text color={color('muted')}>
          {`  ${Math.min(lines.length, top + 1)}-${Math.min(lines.length, top + rows)} of ${lines.length} lines; j/k scroll, Esc close`}
        </Text>
      </Text>
      {lines.slice(top, top + rows).map((line, i) => (
        <Text key={`${top + i}`} wrap="truncate" bold={line.heading}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
