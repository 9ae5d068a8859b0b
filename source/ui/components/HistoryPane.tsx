// Sync history (docs/spec.md D5), newest first, `count` entries shown.
import { Box, Text } from 'ink';
import type { HistoryEntry } from '../backend.ts';
import { formatTime } from '../format.ts';
import { color, fit } from '../layout.ts';

export function HistoryPane({ history, count, width }: { history: HistoryEntry[]; count: number; width: number }) {
  const shown = history.slice(0, count);
  const typeWidth = 22;
  const userWidth = 10;
  const noteWidth = Math.min(72, Math.max(10, width - 19 - typeWidth - userWidth - 3));
  return (
    <Box flexDirection="column" height={count + 1}>
      <Text wrap="truncate">
        <Text bold>{'History '}</Text>
        <Text color={color('muted')}>{`${shown.length} of ${history.length}  (m more, l less, v whole)`}</Text>
      </Text>
      {shown.map((entry, i) => (
        <Text key={`${entry.at}-${i}`} wrap="truncate">
          {fit(formatTime(entry.at), 19) + ' '}
          <Text
            color={
              entry.type.includes('error') || entry.type.includes('Interrupted') || entry.type.includes('Failed')
                ? color('error')
                : undefined
            }
          >
            {fit(entry.type, typeWidth) + ' '}
          </Text>
          {fit(entry.note, noteWidth) + ' '}
          <Text color={color('muted')}>{fit(entry.user, userWidth)}</Text>
        </Text>
      ))}
    </Box>
  );
}
