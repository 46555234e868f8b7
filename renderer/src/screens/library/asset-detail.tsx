import { AsyncView } from '../../components/async-view.tsx';
import { ScoresPanel } from '../../components/scores-table.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { fmtBytes, fmtDate } from '../../hooks/format.ts';
import { useLibrary } from '../../store/library.ts';
import { TagEditor } from './tag-editor.tsx';
import { CategoryEditor } from './category-editor.tsx';
import { SimilarStrip } from './similar-strip.tsx';

/** The focused asset: full image, recipe, scores, tags/category editing, versions, similar. */
export function AssetDetailPanel(props: { id: string }) {
  const detail = useRequest('library.get', { id: props.id });
  const focus = useLibrary((s) => s.focus);
  return (
    <aside className="detail-panel" aria-label="Asset detail" data-testid="asset-detail">
      <div className="row-between">
        <h2 className="ellipsis">{detail.data?.name ?? 'Asset'}</h2>
        <button className="btn ghost" onClick={() => focus(null)} aria-label="Close detail">
          ✕
        </button>
      </div>
      <AsyncView state={detail} what="Asset">
        {(a) => (
          <div className="stack">
            <a href={a.imageUrl} target="_blank" rel="noreferrer" className="full-image">
              <img src={a.imageUrl} alt={a.name} />
            </a>
            <p className="small muted num">
              {a.width}×{a.height} · {fmtBytes(a.fileSize)} · v{a.version} · {fmtDate(a.createdAt)}
            </p>
            <ScoresPanel scores={a.scores} />
            <CategoryEditor asset={a} onSaved={detail.setData} />
            <TagEditor asset={a} onSaved={detail.setData} />
            <details>
              <summary>Recipe</summary>
              <pre className="recipe">{a.recipe}</pre>
            </details>
            {a.versions.length > 1 ? (
              <div>
                <h4>Versions</h4>
                <div className="thumb-strip">
                  {a.versions.map((v) => (
                    <button key={v.id} className="mini-tile" onClick={() => focus(v.id)} title={`v${v.version} · ${fmtDate(v.createdAt)}`}>
                      <img src={v.thumbUrl} alt={`v${v.version}`} width={56} height={56} />
                      <span className="small">v{v.version}</span>
                    </button>
                  ))}
                </div>
              </div>
            ) : null}
            <SimilarStrip assetId={a.id} />
          </div>
        )}
      </AsyncView>
    </aside>
  );
}
