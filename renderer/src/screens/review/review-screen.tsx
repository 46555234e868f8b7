import { useEffect, useMemo, useState } from 'react';
import type { ReviewItem } from '../../../../preload/api.ts';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { AsyncView } from '../../components/async-view.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useHotkeys } from '../../hooks/use-hotkeys.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { confirmAction } from '../../store/confirm.ts';
import { ReviewList } from './review-list.tsx';
import { ReviewDetail } from './review-detail.tsx';
import { RerunForm } from './rerun-form.tsx';
import { ShortcutHelp } from './shortcut-help.tsx';
import { ReviewFiltersBar } from './review-filters-bar.tsx';
import { NO_REVIEW_FILTER, applyReviewFilter, describeScope, isFiltered, type ReviewFilter } from './review-filter.ts';
import { approveIntoReferences, decideReview, type ReviewDecision } from './review-actions.ts';

/**
 * Dead-letter items: triage fast with the keyboard, or in bulk. Bulk actions act on the
 * selection or on the list as filtered here, always after a confirmation that states the count
 * and scope; a single approve/reject can be undone from its toast.
 */
export function ReviewScreen() {
  const list = useRequest('review.list', {});
  const items = useMemo(() => list.data ?? [], [list.data]);
  const [filter, setFilter] = useState<ReviewFilter>(NO_REVIEW_FILTER);
  const visible = useMemo(() => applyReviewFilter(items, filter), [items, filter]);
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState(false);
  useEvent('task.updated', (t) => {
    if (t.status === 'review' && !items.some((i) => i.taskId === t.id)) list.reload();
  });
  useEffect(() => {
    if (cursor >= visible.length && visible.length > 0) setCursor(visible.length - 1);
  }, [visible.length, cursor]);

  const current = visible[cursor] ?? null;
  const batchName = (id: string): string => items.find((i) => i.batchId === id)?.batchName ?? id;
  const drop = (ids: string[]): void => {
    list.setData(items.filter((i) => !ids.includes(i.taskId)));
    setSelected((s) => new Set([...s].filter((id) => !ids.includes(id))));
  };
  const decide = (kind: ReviewDecision, chosen: ReviewItem[]): Promise<void> => decideReview(kind, chosen, { drop, restore: list.reload });

  /** Several items: always confirmed first, with the count and where they come from. */
  const bulk = async (kind: ReviewDecision, chosen: ReviewItem[], scope: string): Promise<void> => {
    if (chosen.length === 0) return;
    if (chosen.length === 1) return decide(kind, chosen);
    const ok = await confirmAction({
      title: kind === 'approve' ? 'Approve into the library?' : 'Reject these items?',
      message: `${kind === 'approve' ? 'Approve' : 'Reject'} ${chosen.length} item(s): ${scope}. ${kind === 'approve' ? 'They are filed in the library.' : 'They leave the review queue.'}`,
      confirmLabel: `${kind === 'approve' ? 'Approve' : 'Reject'} ${chosen.length}`,
      danger: kind === 'reject',
    });
    if (ok) await decide(kind, chosen);
  };
  const selectedItems = (): ReviewItem[] => items.filter((i) => selected.has(i.taskId));
  const selectionScope = (): string => `the ${selected.size} selected (${describeScope(selectedItems(), NO_REVIEW_FILTER, batchName)})`;
  const shownScope = (): string => `every item shown${isFiltered(filter) ? ' by the filter' : ''} — ${describeScope(visible, filter, batchName)}`;
  const toggle = (id: string): void =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  useHotkeys(
    {
      j: () => setCursor((c) => Math.min(visible.length - 1, c + 1)),
      ArrowDown: () => setCursor((c) => Math.min(visible.length - 1, c + 1)),
      k: () => setCursor((c) => Math.max(0, c - 1)),
      ArrowUp: () => setCursor((c) => Math.max(0, c - 1)),
      a: () => current && void decide('approve', [current]),
      r: () => current && void decide('reject', [current]),
      e: () => current && setEditing(true),
      x: () => current && toggle(current.taskId),
      // The selection if there is one, else the list as shown here — never other batches silently.
      'shift+A': () => void (selected.size ? bulk('approve', selectedItems(), selectionScope()) : bulk('approve', visible, shownScope())),
    },
    !editing && items.length > 0,
  );

  return (
    <section className="screen screen-fill">
      <ScreenHeader
        title="Review"
        subtitle="Images that failed every retry. Approve into the library, reject, or edit and regenerate."
        actions={
          selected.size > 0 ? (
            <>
              <span className="muted num">{selected.size} selected</span>
              <button className="btn primary" onClick={() => void bulk('approve', selectedItems(), selectionScope())}>
                Approve selected
              </button>
              <button className="btn danger" onClick={() => void bulk('reject', selectedItems(), selectionScope())}>
                Reject selected
              </button>
              <button className="btn ghost" onClick={() => setSelected(new Set())}>
                Clear
              </button>
            </>
          ) : (
            <>
              <button className="btn" disabled={visible.length === 0} onClick={() => void bulk('approve', visible, shownScope())} data-testid="approve-shown">
                Approve all shown ({visible.length})
              </button>
              <button className="btn danger" disabled={visible.length === 0} onClick={() => void bulk('reject', visible, shownScope())} data-testid="reject-shown">
                Reject all shown ({visible.length})
              </button>
              <ShortcutHelp />
            </>
          )
        }
      />
      <AsyncView
        state={list}
        what="The review queue"
        isEmpty={(d) => d.length === 0}
        empty={<EmptyState title="Nothing to review">Images that fail every retry land here for a human decision.</EmptyState>}
      >
        {() => (
          <>
            <ReviewFiltersBar items={items} filter={filter} onChange={setFilter} shown={visible.length} />
            <div className="split">
              <ReviewList items={visible} cursor={cursor} selected={selected} onCursor={setCursor} onToggle={toggle} />
              {current ? (
                <div className="stack">
                  {editing ? (
                    <RerunForm
                      item={current}
                      onDone={(rerun) => {
                        setEditing(false);
                        if (rerun) drop([current.taskId]);
                      }}
                    />
                  ) : (
                    <div className="row gap wrap">
                      <button className="btn primary" onClick={() => void decide('approve', [current])}>
                        Approve <kbd>a</kbd>
                      </button>
                      <button className="btn danger" onClick={() => void decide('reject', [current])}>
                        Reject <kbd>r</kbd>
                      </button>
                      <button className="btn" onClick={() => void approveIntoReferences(current, { drop })} title="Approve, then add the image to the batch's style profile as a new version">
                        Approve &amp; add to references
                      </button>
                      <button className="btn" onClick={() => setEditing(true)}>
                        Edit &amp; regenerate <kbd>e</kbd>
                      </button>
                      <span className="muted small num">
                        {cursor + 1} of {visible.length}
                      </span>
                    </div>
                  )}
                  <ReviewDetail key={current.taskId} item={current} />
                </div>
              ) : (
                <EmptyState title="Nothing matches the filter">Change or reset the filter to see more of the queue.</EmptyState>
              )}
            </div>
          </>
        )}
      </AsyncView>
    </section>
  );
}
