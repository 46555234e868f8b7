import { useEffect, useState } from 'react';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { AsyncView } from '../../components/async-view.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useHotkeys } from '../../hooks/use-hotkeys.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { ReviewList } from './review-list.tsx';
import { ReviewDetail } from './review-detail.tsx';
import { RerunForm } from './rerun-form.tsx';
import { ShortcutHelp } from './shortcut-help.tsx';

/** Dead-letter items: triage fast with the keyboard, or in bulk. */
export function ReviewScreen() {
  const list = useRequest('review.list', {});
  const items = list.data ?? [];
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState(false);
  useEvent('task.updated', (t) => {
    if (t.state === 'dlq' && !items.some((i) => i.taskId === t.id)) list.reload();
  });
  useEffect(() => {
    if (cursor >= items.length && items.length > 0) setCursor(items.length - 1);
  }, [items.length, cursor]);

  const current = items[cursor] ?? null;
  const drop = (ids: string[]): void => {
    list.setData(items.filter((i) => !ids.includes(i.taskId)));
    setSelected((s) => new Set([...s].filter((id) => !ids.includes(id))));
  };
  const decide = async (kind: 'approve' | 'reject', ids: string[]): Promise<void> => {
    if (ids.length === 0) return;
    const ok =
      kind === 'approve'
        ? await attempt('Approve', () => call('review.approve', { taskIds: ids }), (r) => `Approved ${r.approved} into the library`)
        : await attempt('Reject', () => call('review.reject', { taskIds: ids }), (r) => `Rejected ${r.rejected}`);
    if (ok) drop(ids);
  };
  const toggle = (id: string): void =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  useHotkeys(
    {
      j: () => setCursor((c) => Math.min(items.length - 1, c + 1)),
      ArrowDown: () => setCursor((c) => Math.min(items.length - 1, c + 1)),
      k: () => setCursor((c) => Math.max(0, c - 1)),
      ArrowUp: () => setCursor((c) => Math.max(0, c - 1)),
      a: () => current && void decide('approve', [current.taskId]),
      r: () => current && void decide('reject', [current.taskId]),
      e: () => current && setEditing(true),
      x: () => current && toggle(current.taskId),
      'shift+A': () => void decide('approve', selected.size ? [...selected] : items.map((i) => i.taskId)),
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
              <button className="btn primary" onClick={() => void decide('approve', [...selected])}>
                Approve selected
              </button>
              <button className="btn danger" onClick={() => void decide('reject', [...selected])}>
                Reject selected
              </button>
              <button className="btn ghost" onClick={() => setSelected(new Set())}>
                Clear
              </button>
            </>
          ) : (
            <ShortcutHelp />
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
          <div className="split">
            <ReviewList items={items} cursor={cursor} selected={selected} onCursor={setCursor} onToggle={toggle} />
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
                  <div className="row gap">
                    <button className="btn primary" onClick={() => void decide('approve', [current.taskId])}>
                      Approve <kbd>a</kbd>
                    </button>
                    <button className="btn danger" onClick={() => void decide('reject', [current.taskId])}>
                      Reject <kbd>r</kbd>
                    </button>
                    <button className="btn" onClick={() => setEditing(true)}>
                      Edit &amp; regenerate <kbd>e</kbd>
                    </button>
                    <span className="muted small num">
                      {cursor + 1} of {items.length}
                    </span>
                  </div>
                )}
                <ReviewDetail item={current} />
              </div>
            ) : null}
          </div>
        )}
      </AsyncView>
    </section>
  );
}
