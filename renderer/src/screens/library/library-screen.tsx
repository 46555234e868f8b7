import { useMemo, useState } from 'react';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { ErrorState } from '../../components/error-state.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { Loading } from '../../components/loading.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useDebounced } from '../../hooks/use-debounced.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { toQuery, useLibrary } from '../../store/library.ts';
import { LibraryFiltersBar } from './library-filters.tsx';
import { AssetGrid } from './asset-grid.tsx';
import { AssetDetailPanel } from './asset-detail.tsx';
import { SelectionBar } from './selection-bar.tsx';
import { ExportDialog } from './export-dialog.tsx';

/** Search, filter and sort every finished asset; inspect, tag, and export. */
export function LibraryScreen() {
  const filters = useLibrary((s) => s.filters);
  const focusId = useLibrary((s) => s.focusId);
  const query = useDebounced(useMemo(() => toQuery(filters), [filters]), 250);
  const search = useRequest('library.search', query);
  const facets = useRequest('library.facets', {});
  const [exporting, setExporting] = useState(false);
  useEvent('library.changed', () => search.reload());

  let body;
  if (search.error && !search.data) body = <ErrorState error={search.error} what="The library" onRetry={search.reload} />;
  else if (!search.data) body = <Loading />;
  else if (search.data.items.length === 0)
    body = (
      <EmptyState title={filters.text || filters.category || filters.tags.length ? 'No matching assets' : 'The library is empty'}>
        {filters.text || filters.category || filters.tags.length ? 'Try fewer filters or another search.' : 'Images that pass validation (or that you approve in Review) are filed here.'}
      </EmptyState>
    );
  else body = <AssetGrid items={search.data.items} />;

  return (
    <section className="screen screen-fill">
      <ScreenHeader
        title="Library"
        subtitle={search.data ? <span className="num">{search.data.total} assets</span> : 'Every approved asset, searchable.'}
        actions={
          <button className="btn" onClick={() => setExporting(true)} data-testid="open-export">
            Export…
          </button>
        }
      />
      <LibraryFiltersBar facets={facets.data} />
      <SelectionBar onExport={() => setExporting(true)} onChanged={search.reload} />
      <div className={focusId ? 'library-body with-detail' : 'library-body'}>
        <div className="library-main">{body}</div>
        {focusId ? <AssetDetailPanel key={focusId} id={focusId} /> : null}
      </div>
      {exporting ? <ExportDialog onClose={() => setExporting(false)} /> : null}
    </section>
  );
}
