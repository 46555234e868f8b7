import { AppError } from '../core/app-error.ts';

export type SortKey = 'date' | 'score' | 'name';
export type SortDir = 'asc' | 'desc';

/** Opaque keyset cursor: the sort key of the last row shown plus its id as a tiebreak. */
export interface CursorData {
  sort: SortKey;
  dir: SortDir;
  value: number | string;
  id: string;
}

export function encodeCursor(c: CursorData): string {
  return Buffer.from(JSON.stringify([c.sort, c.dir, c.value, c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(s: string, sort: SortKey, dir: SortDir): CursorData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('BadInput', 'invalid cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new AppError('BadInput', 'invalid cursor');
  const [cs, cd, value, id] = parsed as unknown[];
  if (cs !== sort || cd !== dir) throw new AppError('BadInput', `cursor was made for sort ${String(cs)} ${String(cd)}, not ${sort} ${dir}`);
  if ((typeof value !== 'number' && typeof value !== 'string') || typeof id !== 'string') throw new AppError('BadInput', 'invalid cursor');
  return { sort, dir, value, id };
}
