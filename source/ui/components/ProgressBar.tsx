// "Pending | Complete | Total Accounts: x | y | z" and a percent-complete bar (docs/spec.md D6).
import { Text } from 'ink';
import { color } from '../layout.ts';

export function ProgressLine({
  pending,
  complete,
  total,
  percent,
  width,
}: {
  pending: number;
  complete: number;
  total: number;
  percent: number;
  width: number;
}) {
  const text = `Pending | Complete | Total Accounts: ${pending} | ${complete} | ${total}  `;
  const barWidth = Math.max(5, Math.min(30, width - text.length - 6));
  const filled = Math.round((percent / 100) * barWidth);
  return (
    <Text wrap="truncate">
      {text}
      <Text color={color(percent === 100 ? 'ok' : 'active')}>{'█'.repeat(filled)}</Text>
      <Text color={color('muted')}>{'░'.repeat(barWidth - filled)}</Text>
      {` ${percent}%`}
    </Text>
  );
}
