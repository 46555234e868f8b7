import type { LibraryQuery } from '../../preload/api.ts';
import { AppError } from '../core/app-error.ts';
import type { SearchQuery } from './search-assets.ts';

/** The library filter as the contract carries it (UI, exports); every field optional. */
export type ContractLibraryFilter = Partial<Omit<LibraryQuery, 'limit' | 'cursor'>>;

const day = (iso: string | undefined, end: boolean): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso.length === 10 ? `${iso}T${end ? '23:59:59.999' : '00:00:00'}Z` : iso);
  if (Number.isNaN(t)) throw new AppError('BadInput', `'${iso}' is not a date (use YYYY-MM-DD)`);
  return t;
};

/**
 * The one translation from the contract's library filter to searchAssets' query, used by the
 * grid and by exports, so an export takes exactly what the grid shows. A filter without a
 * state means active assets only: archived and deleted ones are included only when shown.
 */
export function searchQueryFromContract(q: ContractLibraryFilter): SearchQuery {
  const from = day(q.from, false);
  const to = day(q.to, true);
  return {
    ...(q.text ? { text: q.text } : {}),
    ...(q.sort ? { sort: q.sort } : {}),
    ...(q.batchId ? { batchId: q.batchId } : {}),
    ...(q.model ? { model: q.model } : {}),
    ...(q.lora ? { lora: q.lora } : {}),
    ...(q.category ? { category: q.category } : {}),
    ...(q.tags?.length ? { tags: q.tags } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(q.minScore !== undefined ? { minScore: q.minScore } : {}),
    ...(q.maxScore !== undefined ? { maxScore: q.maxScore } : {}),
    states: [q.state ?? 'active'],
  };
}
