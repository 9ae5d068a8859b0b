// One line under a screen's title for what just happened: an error in the words of its
// message, a confirmation ("exported to ..."), or work in progress ("pausing ...").
import { Text } from 'ink';
import { color } from '../layout.ts';

export interface Notice {
  text: string;
  kind?: 'error' | 'ok' | 'info';
}

export function StatusLine({ notice }: { notice: Notice | undefined }) {
  if (!notice) return <Text> </Text>;
  const kind = notice.kind ?? 'ok';
  const mark = kind === 'error' ? '✗ ' : kind === 'ok' ? '✓ ' : '… ';
  return (
    <Text wrap="truncate" color={kind === 'error' ? color('error') : kind === 'ok' ? color('ok') : color('active')}>
      {mark + notice.text}
    </Text>
  );
}
