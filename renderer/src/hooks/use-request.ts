import { useCallback, useEffect, useRef, useState } from 'react';
import type { RequestArg, RequestName, RequestResult } from '../../../preload/api.ts';
import { call, RequestError } from '../api.ts';
import { useConnection } from '../store/connection.ts';

export interface RequestState<T> {
  data: T | null;
  error: RequestError | null;
  loading: boolean;
  reload(): void;
  /** Replace the cached value (after a mutation returned the fresh one). */
  setData(value: T): void;
}

/** Turns anything thrown by call() into a RequestError so screens deal with one shape. */
export function asRequestError(err: unknown): RequestError {
  if (err instanceof RequestError) return err;
  return new RequestError({ kind: 'Internal', message: err instanceof Error ? err.message : String(err) });
}

/**
 * Loads one request and keeps its loading/error/data state. Re-runs when the argument's JSON
 * changes, and ignores answers that arrive after a newer request started (no stale flashes).
 * Pass `null` as the argument to skip the request (e.g. nothing selected yet).
 */
export function useRequest<K extends RequestName>(name: K, arg: RequestArg<K> | null): RequestState<RequestResult<K>> {
  const key = arg === null ? null : JSON.stringify(arg ?? null);
  const [data, setData] = useState<RequestResult<K> | null>(null);
  const [error, setError] = useState<RequestError | null>(null);
  const [loading, setLoading] = useState(key !== null);
  const [nonce, setNonce] = useState(0);
  const generation = useRef(0);
  // After a reconnect every visible view reloads once: the server may have moved on (or restarted).
  const epoch = useConnection((s) => s.epoch);

  useEffect(() => {
    if (key === null) {
      setLoading(false);
      return;
    }
    const mine = ++generation.current;
    setLoading(true);
    call(name, JSON.parse(key) as RequestArg<K>).then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        setError(asRequestError(err));
        setLoading(false);
      },
    );
  }, [name, key, nonce, epoch]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}
