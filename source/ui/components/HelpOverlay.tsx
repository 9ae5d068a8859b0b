// `?`: every key of the current screen and the global ones, grouped by category.
import { Box, Text } from 'ink';
import type { KeyHelp } from '../keymap.ts';
import { color, fit } from '../layout.ts';

export function HelpOverlay({
  title,
  keys,
  width,
  height,
  scroll = 0,
}: {
  title: string;
  keys: KeyHelp[];
  width: number;
  height: number;
  /** Lines scrolled past (one column only: a small terminal; ↑↓ PgUp PgDn scroll it). */
  scroll?: number;
}) {
  const groups = new Map<string, KeyHelp[]>();
  for (const key of keys) {
    const category = key.category ?? 'Keys';
    groups.set(category, [...(groups.get(category) ?? []), key]);
  }
  const lines: { text: string; heading?: boolean; dangerous?: boolean }[] = [];
  for (const [category, list] of groups) {
    lines.push({ text: category, heading: true });
    const seen = new Set<string>();
    for (const key of list) {
      const line = `  ${fit(key.keys, 12)} ${key.description}${key.dangerous ? ' (asks first)' : ''}`;
      if (seen.has(line)) continue;
      seen.add(line);
      lines.push({ text: line, dangerous: key.dangerous });
    }
  }
  // Two columns when one does not fit.
  const rows = Math.max(1, height - 3);
  const columns = lines.length > rows && width >= 70 ? 2 : 1;
  // What does not fit in one column scrolls, with a last line saying so.
  const overflow = columns === 1 && lines.length > rows;
  const room = overflow ? rows - 1 : rows;
  const from = overflow ? Math.max(0, Math.min(scroll, lines.length - room)) : 0;
  const shown = overflow ? lines.slice(from, from + room) : lines;
  const perColumn = Math.ceil(shown.length / columns);
  const columnWidth = Math.floor((width - 2) / columns);
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold wrap="truncate">
        {`Help: ${title}`}
        <Text color={color('muted')}>{'  (Esc or ? to close)'}</Text>
      </Text>
      <Box flexDirection="row" marginTop={1}>
        {Array.from({ length: columns }, (_, c) => (
          <Box key={c} flexDirection="column" width={columnWidth}>
            {shown
              .slice(c * perColumn, (c + 1) * perColumn)
              .slice(0, rows)
              .map((line, i) => (
                <Text
                  key={i}
                  wrap="truncate"
                  bold={line.heading}
                  color={line.heading ? color('accent') : line.dangerous ? color('error') : undefined}
                >
                  {line.text}
                </Text>
              ))}
          </Box>
        ))}
      </Box>
      {overflow ? (
        <Text color={color('muted')} wrap="truncate">
          {`lines ${from + 1}-${from + room} of ${lines.length}  ↑↓ PgUp PgDn scroll`}
        </Text>
      ) : null}
    </Box>
  );
}
