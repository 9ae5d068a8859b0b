// One line under a screen's title for what just happened: an error in the words of its
// message, a confirmation ("exported to ..."), or work in progress ("pausing ...").
// A confirmation or an error is transient: it clears after a few seconds (issue 17.10).
import { Text } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { color } from '../layout.ts';

export interface Notice {
  text: string;
  kind?: 'error' | 'ok' | 'info';
}

/** How long a confirmation or an error stays; tests shorten it. Work in progress stays until it ends. */
export const noticeTiming = { ms: 6000 };

const markOf = (notice: Notice) => (notice.kind === 'error' ? '✗ ' : notice.kind === 'info' ? '… ' : '✓ ');

/** The lines the notice takes at `width` when it wraps. */
export function noticeLines(notice: Notice | undefined, width: number): number {
  if (!notice) return 1;
  return Math.max(1, Math.ceil([...(markOf(notice) + notice.text)].length / Math.max(1, width)));
}

/**
 * The screen's notice, cleared `noticeTiming.ms` after it was set unless it is work in progress;
 * `clearOlderThan(ms)` drops one shown longer than that (on a status change, say).
 */
export function useTransientNotice(): {
  notice: Notice | undefined;
  setNotice: (notice: Notice | undefined) => void;
  clearOlderThan: (ms: number) => void;
} {
  const [notice, setState] = useState<Notice | undefined>(undefined);
  const since = useRef(0);
  const setNotice = useCallback((next: Notice | undefined) => {
    since.current = Date.now();
    setState(next);
  }, []);
  useEffect(() => {
    if (!notice || notice.kind === 'info') return;
    const timer = setTimeout(() => setState(undefined), noticeTiming.ms);
    return () => clearTimeout(timer);
  }, [notice]);
  const clearOlderThan = useCallback((ms: number) => {
    if (Date.now() - since.current > ms) setState((current) => (current?.kind === 'info' ? current : undefined));
  }, []);
  return { notice, setNotice, clearOlderThan };
}

export function StatusLine({ notice, wrap = false }: { notice: Notice | undefined; wrap?: boolean }) {
  if (!notice) return <Text> </Text>;
  const kind = notice.kind ?? 'ok';
  return (
    <Text
      wrap={wrap ? 'wrap' : 'truncate'}
      color={kind === 'error' ? color('error') : kind === 'ok' ? color('ok') : color('active')}
    >
      {markOf(notice) + notice.text}
    </Text>
  );
}
