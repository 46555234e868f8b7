import type { ReviewItem } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';

export type ReviewDecision = 'approve' | 'reject';

/**
 * Sends a review decision. The screen drops the items at once (the server confirms) and puts
 * the queue back (reload) when a decision is undone.
 */
export async function decideReview(kind: ReviewDecision, items: ReviewItem[], screen: { drop(ids: string[]): void; restore(): void }): Promise<void> {
  const ids = items.map((i) => i.taskId);
  if (ids.length === 0) return;
  const what = items.length === 1 ? `“${items[0]!.name}”` : `${items.length} items`;
  const ok =
    kind === 'approve'
      ? await attempt('Approve', () => call('review.approve', { taskIds: ids }), (r) => `Approved ${r.approved === 1 ? what : `${r.approved} items`} into the library`)
      : await attempt('Reject', () => call('review.reject', { taskIds: ids }), (r) => `Rejected ${r.rejected === 1 ? what : `${r.rejected} items`}`);
  if (ok) screen.drop(ids);
}

/**
 * Approve, then add the new library asset to its batch's style profile as a reference (a new
 * profile version): approved work becomes the brand in one step.
 */
export async function approveIntoReferences(item: ReviewItem, screen: { drop(ids: string[]): void }): Promise<void> {
  const approved = await attempt('Approve', () => call('review.approve', { taskIds: [item.taskId] }));
  if (!approved) return;
  screen.drop([item.taskId]);
  await attempt(
    'Add to references',
    async () => {
      const task = await call('tasks.get', { id: item.taskId });
      if (!task.assetId) throw new Error(`“${item.name}” was approved but has no library asset yet`);
      return call('library.addToRefs', { assetId: task.assetId });
    },
    (p) => `Approved “${item.name}” and added it to “${p.name}” references — now version ${p.version}`,
  );
}
