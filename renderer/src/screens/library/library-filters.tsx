import type { RequestResult } from '../../../../preload/api.ts';
import { useLibrary, DEFAULT_FILTERS, type LibraryFilters } from '../../store/library.ts';
import { RecipeFilters } from './recipe-filters.tsx';

/** Search box, category, checkpoint, LoRA, tag, score range, dates, state and sort. */
export function LibraryFiltersBar(props: { facets: RequestResult<'library.facets'> | null }) {
  const { filters: f, setFilters } = useLibrary();
  const tags = props.facets?.tags ?? [];
  return (
    <div className="filters" role="search">
      <input className="input search" type="search" placeholder="Search prompts, names, tags…" value={f.text} onChange={(e) => setFilters({ text: e.target.value })} aria-label="Search the library" />
      <select className="input" value={f.category} onChange={(e) => setFilters({ category: e.target.value })} aria-label="Category">
        <option value="">All categories</option>
        {(props.facets?.categories ?? []).map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
      <RecipeFilters facets={props.facets} />
      <select className="input" value="" onChange={(e) => e.target.value && setFilters({ tags: [...new Set([...f.tags, e.target.value])] })} aria-label="Add tag filter">
        <option value="">Tag…</option>
        {tags.map((t) => (
          <option key={t.tag} value={t.tag}>
            {t.tag} ({t.count})
          </option>
        ))}
      </select>
      <label className="inline-field small">
        Score
        <input className="input narrow num" type="number" min={0} max={1} step={0.05} value={f.minScore} onChange={(e) => setFilters({ minScore: Number(e.target.value) })} aria-label="Minimum score" />–
        <input className="input narrow num" type="number" min={0} max={1} step={0.05} value={f.maxScore} onChange={(e) => setFilters({ maxScore: Number(e.target.value) })} aria-label="Maximum score" />
      </label>
      <input className="input" type="date" value={f.from} onChange={(e) => setFilters({ from: e.target.value })} aria-label="From date" />
      <input className="input" type="date" value={f.to} onChange={(e) => setFilters({ to: e.target.value })} aria-label="To date" />
      <select className="input" value={f.state} onChange={(e) => setFilters({ state: e.target.value as LibraryFilters['state'] })} aria-label="State">
        <option value="active">Active</option>
        <option value="archived">Archived</option>
        <option value="deleted">Deleted</option>
      </select>
      <select className="input" value={f.sort} onChange={(e) => setFilters({ sort: e.target.value as LibraryFilters['sort'] })} aria-label="Sort">
        <option value="date">Newest</option>
        <option value="score">Best score</option>
        <option value="name">Name</option>
      </select>
      {f.tags.map((t) => (
        <button key={t} className="chip button" onClick={() => setFilters({ tags: f.tags.filter((x) => x !== t) })} aria-label={`Remove tag filter ${t}`}>
          {t} ✕
        </button>
      ))}
      {JSON.stringify(f) !== JSON.stringify(DEFAULT_FILTERS) ? (
        <button className="btn ghost small" onClick={() => setFilters(DEFAULT_FILTERS)}>
          Reset
        </button>
      ) : null}
    </div>
  );
}
