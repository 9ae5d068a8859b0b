// `?`: every key of the current screen and the global ones, grouped by category.
import { Box, Text } from 'ink';
import type { KeyHelp } from '../keymap.ts';
import { color, fit } from '../layout.ts';

export function HelpOverlay({
  title,
  keys,
  width,
  height,
}: {
  title: string;
  keys: KeyHelp[];
  width: number;
  height: number;
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
  const perColumn = Math.ceil(lines.length / columns);
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
            {lines
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
    </Box>
  );
}
