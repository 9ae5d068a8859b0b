// A reducer whose current state is readable at once (not only after the next render): key
// handlers read it through `get`, so keys arriving faster than frames never see stale state,
// and the handler given to useInput stays the same function (no re-subscription per frame).
import { useCallback, useRef, useState } from 'react';

export function useStore<S, A>(reducer: (state: S, action: A) => S, init: () => S): [S, (action: A) => void, () => S] {
  const ref = useRef<S | undefined>(undefined);
  if (ref.current === undefined) ref.current = init();
  const [state, setState] = useState<S>(ref.current);
  const dispatch = useCallback(
    (action: A) => {
      ref.current = reducer(ref.current as S, action);
      setState(ref.current);
    },
    [reducer],
  );
  const get = useCallback(() => ref.current as S, []);
  return [state, dispatch, get];
}

/** A ref that always holds the latest value (props read from stable handlers). */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
