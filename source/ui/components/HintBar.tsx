// The one-line hint bar: the keys of the current layer, from the keymap data. Keys that do
// not fit are left out whole (`?` lists them all); `pinned` keys always show, at the end.
import { Text } from 'ink';
import type { KeyHelp } from '../keymap.ts';
import { color } from '../layout.ts';

const GAP = 2;
const lengthOf = (k: KeyHelp) => [...`${k.keys} ${k.description}`].length;

export function fitHints(keys: KeyHelp[], pinned: KeyHelp[], width: number): KeyHelp[] {
  let room = width + GAP - pinned.reduce((sum, k) => sum + lengthOf(k) + GAP, 0);
  const shown: KeyHelp[] = [];
  for (const key of keys) {
    if (lengthOf(key) + GAP > room) break;
    shown.push(key);
    room -= lengthOf(key) + GAP;
  }
  return [...shown, ...pinned];
}

export function HintBar({ keys, pinned = [], width }: { keys: KeyHelp[]; pinned?: KeyHelp[]; width: number }) {
  const shown = fitHints(keys, pinned, width);
  return (
    <Text wrap="truncate" color={color('muted')}>
      {shown.map((k, i) => (
        <Text key={`${k.keys}-${i}`}>
          <Text bold color={k.dangerous ? color('error') : color('accent')}>
            {k.keys}
          </Text>
          {` ${k.description}` + (i < shown.length - 1 ? ' '.repeat(GAP) : '')}
        </Text>
      ))}
    </Text>
  );
}
