import { create } from 'zustand';
import type { LibraryQuery } from '../../../preload/api.ts';

export interface LibraryFilters {
  text: string;
  category: string;
  tags: string[];
  /** Recipe checkpoint (pack id or imported checkpoint name) and LoRA name; '' = any. */
  model: string;
  lora: string;
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

export const DEFAULT_FILTERS: LibraryFilters = { text: '', category: '', tags: [], model: '', lora: '', minScore: 0, maxScore: 1, from: '', to: '', state: 'active', sort: 'date' };

/** Rows per keyset page: a few screens of tiles, small enough to arrive in one frame's budget. */
export const PAGE_SIZE = 300;

/** Library search filters and the multi-selection (kept across screen switches). */
export const useLibrary = create<LibraryState>((set, get) => ({
  filters: DEFAULT_FILTERS,
  selected: new Set(),
  focusId: null,
  setFilters(patch) {
    // A selection made under other filters would act on assets no longer shown: start over.
    set({ filters: { ...get().filters, ...patch }, selected: new Set(), focusId: null });
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
  const q: LibraryQuery = { text: f.text, sort: f.sort, state: f.state, limit: PAGE_SIZE };
  if (f.category) q.category = f.category;
  if (f.tags.length) q.tags = f.tags;
  if (f.model) q.model = f.model;
  if (f.lora) q.lora = f.lora;
  if (f.minScore > 0) q.minScore = f.minScore;
  if (f.maxScore < 1) q.maxScore = f.maxScore;
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  return q;
}

/** What a filter shows, in words (export and bulk confirmations name their scope). */
export function describeFilters(f: LibraryFilters): string {
  const parts: string[] = [f.state === 'active' ? 'active' : f.state];
  if (f.text) parts.push(`matching “${f.text}”`);
  if (f.category) parts.push(`category ${f.category}`);
  if (f.tags.length) parts.push(`tagged ${f.tags.join(' + ')}`);
  if (f.model) parts.push(`made with checkpoint ${f.model}`);
  if (f.lora) parts.push(`made with LoRA ${f.lora}`);
  if (f.minScore > 0 || f.maxScore < 1) parts.push(`score ${f.minScore}–${f.maxScore}`);
  if (f.from || f.to) parts.push(`created ${f.from || '…'} to ${f.to || '…'}`);
  return parts.join(', ');
}
