import { useCallback, useEffect, useRef, useState } from 'react';
import type { AssetSummary, LibraryQuery } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { asRequestError } from '../../hooks/use-request.ts';
import type { RequestError } from '../../api.ts';

export interface LibraryPages {
  items: AssetSummary[];
  /** Every match (exact), so the header's count is what scrolling to the end reaches. */
  total: number | null;
  done: boolean;
  loading: boolean;
  error: RequestError | null;
  loadMore(): void;
  reload(): void;
  /** Removes assets that left this view (deleted, archived…) without reloading every page. */
  drop(ids: readonly string[]): void;
}

/**
 * The grid's assets, one keyset page at a time: the first page comes with the exact total,
 * later pages follow the cursor as the grid nears its end. A new query (or reload) starts
 * over, and answers to an older query are dropped.
 */
export function useLibraryPages(query: LibraryQuery): LibraryPages {
  const key = JSON.stringify(query);
  const [items, setItems] = useState<AssetSummary[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<RequestError | null>(null);
  const [nonce, setNonce] = useState(0);
  const generation = useRef(0);
  const inFlight = useRef(false);

  const fetchPage = useCallback(
    (after: string | null, gen: number) => {
      inFlight.current = true;
      setLoading(true);
      call('library.search', { ...(JSON.parse(key) as LibraryQuery), cursor: after }).then(
        (r) => {
          if (gen !== generation.current) return;
          inFlight.current = false;
          setItems((prev) => (after ? [...prev, ...r.items] : r.items));
          if (!after) setTotal(r.total);
          setCursor(r.nextCursor);
          setDone(r.nextCursor === null);
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          inFlight.current = false;
          setError(asRequestError(err));
          setLoading(false);
        },
      );
    },
    [key],
  );

  useEffect(() => {
    const gen = ++generation.current;
    setDone(false);
    fetchPage(null, gen);
  }, [fetchPage, nonce]);

  const loadMore = useCallback(() => {
    if (inFlight.current || done || !cursor) return;
    fetchPage(cursor, generation.current);
  }, [cursor, done, fetchPage]);

  const drop = useCallback((ids: readonly string[]) => {
    const gone = new Set(ids);
    setItems((prev) => {
      const next = prev.filter((a) => !gone.has(a.id));
      const removed = prev.length - next.length;
      if (removed) setTotal((t) => (t === null ? t : Math.max(0, t - removed)));
      return next;
    });
  }, []);

  return { items, total, done, loading, error, loadMore, drop, reload: useCallback(() => setNonce((n) => n + 1), []) };
}
