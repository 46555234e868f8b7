import type { ReviewItem } from '../../../../preload/api.ts';

export interface ReviewFilter {
  batchId: string;
  reason: string;
  minScore: number;
  maxScore: number;
}

export const NO_REVIEW_FILTER: ReviewFilter = { batchId: '', reason: '', minScore: 0, maxScore: 1 };

/**
 * A failure reason as a group the queue can be filtered by: "style score 0.612 < threshold
 * 0.85 after 2 style retries" and "... 0.701 ..." are the same kind of failure.
 */
export function reasonKind(reason: string): string {
  if (/^style score/i.test(reason)) return 'Below the style threshold';
  const kind = /^([A-Z][A-Za-z]+): /.exec(reason);
  if (kind) return `${kind[1]} error`;
  const head = reason.split(/[;(]/)[0] ?? reason;
  const words = head.replace(/[-+]?\d+(\.\d+)?(x\d+)?%?/g, '').replace(/[<>=≤≥]/g, '').replace(/\s+/g, ' ').trim();
  return words.length > 48 ? `${words.slice(0, 47)}…` : words || 'Other';
}

export function isFiltered(f: ReviewFilter): boolean {
  return f.batchId !== '' || f.reason !== '' || f.minScore > 0 || f.maxScore < 1;
}

export function applyReviewFilter(items: readonly ReviewItem[], f: ReviewFilter): ReviewItem[] {
  if (!isFiltered(f)) return [...items];
  return items.filter((it) => {
    if (f.batchId && it.batchId !== f.batchId) return false;
    if (f.reason && reasonKind(it.reason) !== f.reason) return false;
    if (f.minScore > 0 || f.maxScore < 1) {
      const s = it.scores?.styleScore;
      if (s === undefined || s === null || s < f.minScore || s > f.maxScore) return false;
    }
    return true;
  });
}

/** The scope of a bulk action in words, for its confirmation ("in batch Spring, reason …"). */
export function describeScope(items: readonly ReviewItem[], f: ReviewFilter, batchName: (id: string) => string): string {
  const parts: string[] = [];
  const batches = new Set(items.map((i) => i.batchId));
  if (f.batchId) parts.push(`batch “${batchName(f.batchId)}”`);
  else parts.push(batches.size === 1 ? `batch “${batchName([...batches][0]!)}”` : `${batches.size} batches`);
  if (f.reason) parts.push(`reason “${f.reason}”`);
  if (f.minScore > 0 || f.maxScore < 1) parts.push(`score ${f.minScore.toFixed(2)}–${f.maxScore.toFixed(2)}`);
  return parts.join(', ');
}
