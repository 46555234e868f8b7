import { useEffect } from 'react';
import { create } from 'zustand';
import type { PackInfo } from '../../../preload/api.ts';
import { call } from '../api.ts';
import { asRequestError, type RequestState } from '../hooks/use-request.ts';
import type { RequestError } from '../api.ts';

interface PacksState {
  list: PackInfo[] | null;
  error: RequestError | null;
  loading: boolean;
  reload(): void;
}

/**
 * The installed/available model packs, shared by the first-run panel, New batch and Settings so
 * creating or downloading a pack updates all of them at once.
 */
export const usePacks = create<PacksState>((set) => ({
  list: null,
  error: null,
  loading: false,
  reload() {
    set({ loading: true });
    call('models.list', {}).then(
      (list) => set({ list, error: null, loading: false }),
      (err: unknown) => set({ error: asRequestError(err), loading: false }),
    );
  },
}));

/** The pack list as a RequestState (loads on first use). */
export function usePackList(): RequestState<PackInfo[]> {
  const s = usePacks();
  useEffect(() => {
    if (s.list === null && !s.loading && !s.error) s.reload();
  }, [s]);
  return { data: s.list, error: s.error, loading: s.list === null && !s.error, reload: s.reload, setData: (list) => usePacks.setState({ list }) };
}

/** Installed SDXL packs, real ones first (a test pack only makes noise). */
export function installedSdxl(list: PackInfo[] | null): PackInfo[] {
  return (list ?? []).filter((p) => p.kind === 'sdxl' && p.installed && p.limits).sort((a, b) => Number(a.testPack) - Number(b.testPack));
}
