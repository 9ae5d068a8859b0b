// The one-line hint bar: the keys of the current layer, from the keymap data.
import { Text } from 'ink';
import type { KeyHelp } from '../keymap.ts';
import { color } from '../layout.ts';

export function HintBar({ keys, width }: { keys: KeyHelp[]; width: number }) {
  return (
    <Text wrap="truncate" color={color('muted')}>
      {keys.map((k, i) => (
        <Text key={`${k.keys}-${i}`}>
          <Text bold color={k.dangerous ? color('error') : color('accent')}>
            {k.keys}
          </Text>
          {` ${k.description}` + (i < keys.length - 1 ? '  ' : '')}
        </Text>
      ))}
      {' '.repeat(Math.max(0, width))}
    </Text>
  );
}
