import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { useLibrary } from '../../store/library.ts';

/** Bulk actions on the multi-selection (archive, restore, delete, export). */
export function SelectionBar(props: { onExport(): void; onChanged(): void }) {
  const { selected, selectOnly } = useLibrary();
  if (selected.size === 0) return <div className="selection-bar empty muted small">Click to inspect · Ctrl/⌘-click to select several</div>;
  const ids = [...selected];
  const run = async (what: string, fn: () => Promise<{ changed: number }>): Promise<void> => {
    const r = await attempt(what, fn, (v) => `${what}: ${v.changed} asset(s)`);
    if (r) {
      selectOnly([]);
      props.onChanged();
    }
  };
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection">
      <span className="num">{selected.size} selected</span>
      <button className="btn small" onClick={props.onExport}>
        Export selected
      </button>
      <button className="btn small" onClick={() => void run('Archive', () => call('library.archive', { ids }))}>
        Archive
      </button>
      <button className="btn small" onClick={() => void run('Restore', () => call('library.restore', { ids }))}>
        Restore
      </button>
      <button className="btn small danger" onClick={() => void run('Delete', () => call('library.delete', { ids }))}>
        Delete
      </button>
      <button className="btn ghost small" onClick={() => selectOnly([])}>
        Clear
      </button>
    </div>
  );
}
