import { create } from 'zustand';
import type { LibraryQuery } from '../../../preload/api.ts';

export interface LibraryFilters {
  text: string;
  category: string;
  tags: string[];
  minScore: number;
  maxScore: number;
  from: string;
  to: string;
  state: 'active' | 'archived' | 'deleted';
  sort: 'date' | 'score' | 'name';
}

interface LibraryState {
  filters: LibraryFilters;
  selected: Set<string>;
  focusId: string | null;
  setFilters(patch: Partial<LibraryFilters>): void;
  toggle(id: string, additive: boolean): void;
  selectOnly(ids: string[]): void;
  focus(id: string | null): void;
}

export const DEFAULT_FILTERS: LibraryFilters = { text: '', category: '', tags: [], minScore: 0, maxScore: 1, from: '', to: '', state: 'active', sort: 'date' };

/** Library search filters and the multi-selection (kept across screen switches). */
export const useLibrary = create<LibraryState>((set, get) => ({
  filters: DEFAULT_FILTERS,
  selected: new Set(),
  focusId: null,
  setFilters(patch) {
    set({ filters: { ...get().filters, ...patch } });
  },
  toggle(id, additive) {
    const s = new Set(additive ? get().selected : []);
    if (get().selected.has(id) && additive) s.delete(id);
    else s.add(id);
    set({ selected: s, focusId: id });
  },
  selectOnly(ids) {
    set({ selected: new Set(ids) });
  },
  focus(id) {
    set({ focusId: id });
  },
}));

/** The filters as the contract's query (empty filters are left out). */
export function toQuery(f: LibraryFilters): LibraryQuery {
  const q: LibraryQuery = { text: f.text, sort: f.sort, state: f.state, limit: 200 };
  if (f.category) q.category = f.category;
  if (f.tags.length) q.tags = f.tags;
  if (f.minScore > 0) q.minScore = f.minScore;
  if (f.maxScore < 1) q.maxScore = f.maxScore;
  if (f.from) q.from = new Date(f.from).toISOString();
  if (f.to) q.to = new Date(`${f.to}T23:59:59`).toISOString();
  return q;
}
