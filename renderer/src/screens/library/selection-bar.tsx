import type { LibraryFilters } from '../../store/library.ts';
import { call } from '../../api.ts';
import { attempt, undoable } from '../../store/toasts.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useLibrary } from '../../store/library.ts';

type Changed = { changed: number };

/**
 * Bulk actions on the multi-selection, by view: archive/delete (active), restore/delete
 * (archived), undelete/purge (deleted). One asset: done at once with Undo in the toast; several:
 * confirmed first with the count. Purge cannot be undone, so it is always confirmed.
 */
export function SelectionBar(props: { view: LibraryFilters['state']; purgeDays: number | null; onExport(): void; onGone(ids: string[]): void; onChanged(): void }) {
  const { selected, selectOnly } = useLibrary();
  if (selected.size === 0) {
    return (
      <div className="selection-bar empty muted small">
        Click to inspect · Ctrl/⌘-click to select several · arrow keys move, Space selects
        {props.view === 'deleted' && props.purgeDays ? ` · deleted assets are purged for good ${props.purgeDays} days after deletion (Settings)` : ''}
      </div>
    );
  }
  const ids = [...selected];
  const n = ids.length;
  const label = n === 1 ? 'asset' : `${n} assets`;
  const done = (): void => {
    selectOnly([]);
    props.onGone(ids);
  };
  /** One asset: act, then offer Undo. Several: ask first. */
  const act = async (what: string, fn: () => Promise<Changed>, undo: (() => Promise<Changed>) | null, ask: { message: string; danger?: boolean }): Promise<void> => {
    if (n > 1 || !undo) {
      const ok = await confirmAction({ title: `${what} ${label}?`, message: ask.message, confirmLabel: `${what} ${n}`, ...(ask.danger ? { danger: true } : {}) });
      if (!ok) return;
      if ((await attempt(what, fn, (v) => `${what}: ${v.changed} asset(s)`)) !== null) done();
      return;
    }
    if ((await undoable(what, fn, (v) => `${what}: ${v.changed} asset(s)`, undo, props.onChanged)) !== null) done();
  };
  const purgeMessage = `Purge ${n} deleted asset(s) now? Their files and versions are removed for good; this cannot be undone.`;
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection">
      <span className="num">{n} selected</span>
      {props.view !== 'deleted' ? (
        <button className="btn small" onClick={props.onExport}>
          Export selected
        </button>
      ) : null}
      {props.view === 'active' ? (
        <button className="btn small" onClick={() => void act('Archive', () => call('library.archive', { ids }), () => call('library.restore', { ids }), { message: `Move ${n} asset(s) to the archive? They stay searchable under Archived and can be restored.` })}>
          Archive
        </button>
      ) : null}
      {props.view === 'archived' ? (
        <button className="btn small" onClick={() => void act('Restore', () => call('library.restore', { ids }), () => call('library.archive', { ids }), { message: `Restore ${n} archived asset(s) to the active library?` })}>
          Restore
        </button>
      ) : null}
      {props.view !== 'deleted' ? (
        <button
          className="btn small danger"
          data-testid="delete-selected"
          onClick={() =>
            void act('Delete', () => call('library.delete', { ids }), () => call('library.undelete', { ids }), {
              message: `Delete ${n} ${props.view} asset(s)? They move to Deleted, where they can be undeleted${props.purgeDays ? ` for ${props.purgeDays} days` : ''}.`,
              danger: true,
            })
          }
        >
          Delete
        </button>
      ) : (
        <>
          <button className="btn small" data-testid="undelete-selected" onClick={() => void act('Undelete', () => call('library.undelete', { ids }), () => call('library.delete', { ids }), { message: `Undelete ${n} asset(s)? They return to where they were (active or archived).` })}>
            Undelete
          </button>
          <button className="btn small danger" onClick={() => void act('Purge', async () => ({ changed: (await call('library.purge', { ids })).purged }), null, { message: purgeMessage, danger: true })}>
            Purge now
          </button>
        </>
      )}
      <button className="btn ghost small" onClick={() => selectOnly([])}>
        Clear
      </button>
    </div>
  );
}
