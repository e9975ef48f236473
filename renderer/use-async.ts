import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from './format.js';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): void;
  /** Replaces the data with what an action returned, without another round trip. */
  set(data: T): void;
}

/** Loads once on mount and again on `reload()`; answers that arrive after a newer request or after unmount are dropped. */
export function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    generation.current += 1;
    const mine = generation.current;
    setState((current) => ({ ...current, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (mine === generation.current) setState((current) => ({ ...current, error: errorMessage(error), loading: false }));
      },
    );
  }, []);

  useEffect(() => {
    reload();
    return () => {
      // Unmounting makes every answer still on its way stale.
      generation.current += 1;
    };
  }, [reload]);

  const set = useCallback((data: T) => {
    generation.current += 1;
    setState({ data, loading: false });
  }, []);

  return { data: state.data, error: state.error, loading: state.loading, reload, set };
}

export interface Action<A extends unknown[], R> {
  run(...args: A): Promise<R | undefined>;
  busy: boolean;
  error: string | undefined;
}

/** Runs a bridge call from a button: tracks busy and turns a rejection into a message instead of an unhandled error. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const mounted = useRef(true);
  const actionRef = useRef(action);
  actionRef.current = action;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await actionRef.current(...args);
    } catch (failure) {
      if (mounted.current) setError(errorMessage(failure));
      return undefined;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);

  return { run, busy, error };
}
