import type { ReactNode } from 'react';
import type { RequestState } from '../hooks/use-request.ts';
import { ErrorState } from './error-state.tsx';
import { Loading } from './loading.tsx';

/** Loading → error → empty → content, the same way everywhere. */
export function AsyncView<T>(props: {
  state: RequestState<T>;
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
  loadingHeight?: number;
}) {
  const { data, error, loading, reload } = props.state;
  if (error && data === null) return <ErrorState error={error} what={props.what} onRetry={reload} />;
  if (data === null) return loading ? <Loading height={props.loadingHeight} /> : null;
  if (props.isEmpty?.(data)) return <>{props.empty}</>;
  return <>{props.children(data)}</>;
}
