import { useMemo, useState } from 'react';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { ErrorState } from '../../components/error-state.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { Loading } from '../../components/loading.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useDebounced } from '../../hooks/use-debounced.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { useHotkeys } from '../../hooks/use-hotkeys.ts';
import { toQuery, useLibrary, PAGE_SIZE } from '../../store/library.ts';
import { LibraryFiltersBar } from './library-filters.tsx';
import { AssetGrid } from './asset-grid.tsx';
import { AssetDetailPanel } from './asset-detail.tsx';
import { SelectionBar } from './selection-bar.tsx';
import { ExportDialog } from './export-dialog.tsx';
import { useLibraryPages } from './use-library-pages.ts';
import { DeletedActions } from './deleted-actions.tsx';

/** Search, filter and sort every finished asset; inspect, tag, and export. */
export function LibraryScreen() {
  const filters = useLibrary((s) => s.filters);
  const focusId = useLibrary((s) => s.focusId);
  const focus = useLibrary((s) => s.focus);
  const query = useDebounced(useMemo(() => toQuery(filters), [filters]), 250);
  const pages = useLibraryPages(query);
  const facets = useRequest('library.facets', {});
  const settings = useRequest('settings.get', {});
  const [exporting, setExporting] = useState(false);
  // Live changes refresh a grid showing its first page; deeper in, a refresh would lose the
  // scroll position, so the change is offered as a button instead.
  const [stale, setStale] = useState(false);
  useEvent('library.changed', () => {
    if (pages.items.length <= PAGE_SIZE) pages.reload();
    else setStale(true);
  });
  useHotkeys({ Escape: () => focus(null) }, focusId !== null && !exporting);
  /** Assets that left this view (deleted, archived, restored…): out of the grid, and out of the detail. */
  const gone = (ids: string[]): void => {
    pages.drop(ids);
    if (focusId && ids.includes(focusId)) focus(null);
  };

  const filtered = Boolean(filters.text || filters.category || filters.model || filters.lora || filters.tags.length || filters.minScore > 0 || filters.maxScore < 1 || filters.from || filters.to);
  let body;
  if (pages.error && pages.items.length === 0) body = <ErrorState error={pages.error} what="The library" onRetry={pages.reload} />;
  else if (pages.total === null) body = <Loading />;
  else if (pages.items.length === 0)
    body = (
      <EmptyState title={filtered ? 'No matching assets' : filters.state === 'active' ? 'The library is empty' : `No ${filters.state} assets`}>
        {filtered ? 'Try fewer filters or another search.' : filters.state === 'active' ? 'Images that pass validation (or that you approve in Review) are filed here.' : ''}
      </EmptyState>
    );
  else body = <AssetGrid items={pages.items} onEndReached={pages.loadMore} />;

  return (
    <section className="screen screen-fill">
      <ScreenHeader
        title="Library"
        subtitle={
          pages.total !== null ? (
            <span className="num" data-testid="library-count" data-total={pages.total} data-loaded={pages.items.length}>
              {pages.total.toLocaleString('en')} {filters.state} asset{pages.total === 1 ? '' : 's'}
              {pages.items.length < pages.total ? ` · ${pages.items.length.toLocaleString('en')} loaded` : ''}
            </span>
          ) : (
            'Every approved asset, searchable.'
          )
        }
        actions={
          <>
            {stale ? (
              <button
                className="btn small"
                onClick={() => {
                  setStale(false);
                  pages.reload();
                }}
              >
                Library changed — refresh
              </button>
            ) : null}
            {filters.state === 'deleted' ? <DeletedActions count={pages.total ?? 0} onPurged={pages.reload} /> : null}
            <button className="btn" onClick={() => setExporting(true)} data-testid="open-export" disabled={filters.state === 'deleted'}>
              Export…
            </button>
          </>
        }
      />
      <LibraryFiltersBar facets={facets.data} />
      <SelectionBar view={filters.state} purgeDays={settings.data?.purgeDeletedAfterDays ?? null} onExport={() => setExporting(true)} onGone={gone} onChanged={pages.reload} />
      <div className={focusId ? 'library-body with-detail' : 'library-body'}>
        <div className="library-main">{body}</div>
        {focusId ? <AssetDetailPanel key={focusId} id={focusId} onGone={(id) => gone([id])} onChanged={pages.reload} /> : null}
      </div>
      {exporting ? <ExportDialog total={pages.total} onClose={() => setExporting(false)} /> : null}
    </section>
  );
}
