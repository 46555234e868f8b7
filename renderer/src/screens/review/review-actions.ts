import type { ReviewItem } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt, undoable } from '../../store/toasts.ts';

export type ReviewDecision = 'approve' | 'reject';

/**
 * Sends a review decision. The screen drops the items at once (the server confirms) and puts
 * the queue back (reload) when a decision is undone.
 */
export async function decideReview(kind: ReviewDecision, items: ReviewItem[], screen: { drop(ids: string[]): void; restore(): void }): Promise<void> {
  const ids = items.map((i) => i.taskId);
  if (ids.length === 0) return;
  if (items.length === 1) return decideOne(kind, items[0]!, screen);
  const ok =
    kind === 'approve'
      ? await attempt('Approve', () => call('review.approve', { taskIds: ids }), (r) => `Approved ${r.approved} items into the library`)
      : await attempt('Reject', () => call('review.reject', { taskIds: ids }), (r) => `Rejected ${r.rejected} items`);
  if (ok) screen.drop(ids);
}

/**
 * One item: decided at once, and the toast offers Undo for a few seconds. Undo reverses the
 * decision the server recorded for this task (review.history → review.undo), so what comes
 * back is exactly what was decided, even if the list changed meanwhile.
 */
async function decideOne(kind: ReviewDecision, item: ReviewItem, screen: { drop(ids: string[]): void; restore(): void }): Promise<void> {
  const taskIds = [item.taskId];
  const done = await undoable(
    kind === 'approve' ? 'Approve' : 'Reject',
    (): Promise<unknown> => (kind === 'approve' ? call('review.approve', { taskIds }) : call('review.reject', { taskIds })),
    () => (kind === 'approve' ? `Approved “${item.name}” into the library` : `Rejected “${item.name}”`),
    async () => {
      const decisions = await call('review.history', { taskId: item.taskId, limit: 20 });
      const last = decisions.filter((d) => d.action === kind && d.undoable && !d.undoneAt).sort((a, b) => b.id - a.id)[0];
      if (!last) throw new Error(`the ${kind} of “${item.name}” can no longer be undone`);
      return call('review.undo', { decisionId: last.id });
    },
    screen.restore,
  );
  if (done) screen.drop(taskIds);
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
