// Reading through the backend: load, reload on backend events (throttled) and on a timer.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DashboardBackend, ManagerEvent } from './backend.ts';
import { errorMessage } from './format.ts';

export interface Loaded<T> {
  data: T | undefined;
  /** The last load's error, in the words of its message. */
  error: string | undefined;
  refresh(): void;
}

export interface LoadOptions<T> {
  backend: DashboardBackend;
  /** Poll and listen only while active (the top screen). */
  active: boolean;
  /** Milliseconds to the next reload given the latest data. */
  interval(data: T | undefined): number;
  /** Which backend events call for a reload (all by default). */
  relevant?(event: ManagerEvent): boolean;
  /** Reload when these change. */
  deps?: unknown[];
}

/** At most one load at a time; a request during a load runs once after it. */
export function useLoad<T>(load: () => Promise<T>, options: LoadOptions<T>): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const latest = useRef({ load, options, data });
  latest.current = { load, options, data };
  const state = useRef({ running: false, again: false, mounted: true, loadedAt: 0 });

  const refresh = useCallback(() => {
    const s = state.current;
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = true;
    s.loadedAt = Date.now();
    latest.current
      .load()
      .then(
        (value) => {
          if (!s.mounted) return;
          setData(value);
          setError(undefined);
        },
        (failure: unknown) => s.mounted && setError(errorMessage(failure)),
      )
      .finally(() => {
        s.running = false;
        if (s.again && s.mounted) {
          s.again = false;
          refresh();
        }
      });
  }, []);

  useEffect(() => {
    state.current.mounted = true;
    return () => {
      state.current.mounted = false;
    };
  }, []);

  // Load at once when shown or when what to load changes.
  useEffect(() => {
    if (options.active || latest.current.data === undefined) refresh();
  }, [options.active, refresh, ...(options.deps ?? [])]);

  // Timer: a short tick that reloads once the interval for the latest data has passed, so a
  // change of pace (a sync starts running) takes effect at once.
  useEffect(() => {
    if (!options.active) return;
    const timer = setInterval(() => {
      if (Date.now() - state.current.loadedAt >= latest.current.options.interval(latest.current.data)) refresh();
    }, 100);
    return () => clearInterval(timer);
  }, [options.active, refresh]);

  // Backend events, at most every 200 ms.
  useEffect(() => {
    if (!options.active) return;
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = options.backend.subscribe((event) => {
      if (latest.current.options.relevant && !latest.current.options.relevant(event)) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        refresh();
      }, 200);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [options.active, options.backend, refresh]);

  return { data, error, refresh };
}

/** Keeps a selected id among `ids`: it follows its row when rows move, and falls back to an index. */
export function useSelection(ids: string[]) {
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const lastIndex = useRef(0);
  let index = selected === undefined ? -1 : ids.indexOf(selected);
  if (index < 0) index = Math.min(lastIndex.current, Math.max(0, ids.length - 1));
  lastIndex.current = index;
  const selectedId = ids[index];
  const moveTo = (next: number) => {
    if (ids.length === 0) return;
    const clamped = Math.max(0, Math.min(ids.length - 1, next));
    lastIndex.current = clamped;
    setSelected(ids[clamped]);
  };
  return { index, selectedId, moveTo, select: setSelected };
}
