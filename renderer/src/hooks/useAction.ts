import { useCallback, useEffect, useRef, useState } from "react";

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: unknown;
  /** The last successful result (undefined before the first). */
  data: R | undefined;
  clearError: () => void;
}

/**
 * Runs one engine call at a time for a button or form: tracks busy, keeps the error for an ErrorMessage, and never
 * sets state after the component is gone (a reply can arrive after the person navigated away).
 */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [data, setData] = useState<R | undefined>(undefined);
  const mounted = useRef(true);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      const result = await latest.current(...args);
      if (mounted.current) setData(() => result);
      return result;
    } catch (e) {
      if (mounted.current) setError(e);
      return undefined;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { run, busy, error, data, clearError };
}
