import { useState } from 'react';
import type { AssetDetail } from '../../../../preload/api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { ScoresPanel } from '../../components/scores-table.tsx';
import { Lightbox } from '../../components/lightbox.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { fmtBytes, fmtDate } from '../../hooks/format.ts';
import { call } from '../../api.ts';
import { attempt, undoable } from '../../store/toasts.ts';
import { useLibrary } from '../../store/library.ts';
import { TagEditor } from './tag-editor.tsx';
import { CategoryEditor } from './category-editor.tsx';
import { SimilarStrip } from './similar-strip.tsx';
import { MadeWith } from './made-with.tsx';

/** The focused asset: full image, recipe, scores, tags/category editing, lifecycle, versions, similar. */
export function AssetDetailPanel(props: { id: string; onGone(id: string): void; onChanged(): void }) {
  const detail = useRequest('library.get', { id: props.id });
  const focus = useLibrary((s) => s.focus);
  const [zoomed, setZoomed] = useState(false);
  return (
    <aside className="detail-panel" aria-label="Asset detail" data-testid="asset-detail">
      <div className="row-between">
        <h2 className="ellipsis">{detail.data?.name ?? 'Asset'}</h2>
        <button className="btn ghost" onClick={() => focus(null)} aria-label="Close detail (Escape)">
          ✕
        </button>
      </div>
      <AsyncView state={detail} what="Asset">
        {(a) => (
          <div className="stack">
            <button className="zoomable full-image" onClick={() => setZoomed(true)} aria-label={`Open ${a.name} full size`} data-testid="open-lightbox">
              <img src={a.imageUrl} alt={a.name} />
            </button>
            <p className="small muted num">
              {a.width}×{a.height} · {fmtBytes(a.fileSize)} · v{a.version} · {fmtDate(a.createdAt)} · {a.state}
            </p>
            <MadeWith asset={a} />
            <LifecycleActions asset={a} onGone={props.onGone} onChanged={props.onChanged} />
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
            {zoomed ? <Lightbox src={a.imageUrl} alt={a.name} onClose={() => setZoomed(false)} /> : null}
          </div>
        )}
      </AsyncView>
    </aside>
  );
}

/** Add to references, archive/restore, delete/undelete for the one asset shown (each undoable from its toast). */
function LifecycleActions(props: { asset: AssetDetail; onGone(id: string): void; onChanged(): void }) {
  const a = props.asset;
  const ids = [a.id];
  const gone = (): void => props.onGone(a.id);
  return (
    <div className="row gap wrap">
      {a.state !== 'deleted' ? (
        <button
          className="btn small"
          data-testid="add-to-refs"
          onClick={() => void attempt('Add to references', () => call('library.addToRefs', { assetId: a.id }), (p) => `Added to “${p.name}” references — now version ${p.version}`)}
        >
          Add to references
        </button>
      ) : null}
      {a.state === 'active' ? (
        <button className="btn small" onClick={() => void undoable('Archive', () => call('library.archive', { ids }), () => `Archived “${a.name}”`, () => call('library.restore', { ids }), props.onChanged).then((r) => r && gone())}>
          Archive
        </button>
      ) : null}
      {a.state === 'archived' ? (
        <button className="btn small" onClick={() => void undoable('Restore', () => call('library.restore', { ids }), () => `Restored “${a.name}”`, () => call('library.archive', { ids }), props.onChanged).then((r) => r && gone())}>
          Restore
        </button>
      ) : null}
      {a.state === 'deleted' ? (
        <button className="btn small" onClick={() => void undoable('Undelete', () => call('library.undelete', { ids }), () => `Undeleted “${a.name}”`, () => call('library.delete', { ids }), props.onChanged).then((r) => r && gone())}>
          Undelete
        </button>
      ) : (
        <button
          className="btn small danger"
          data-testid="delete-asset"
          onClick={() => void undoable('Delete', () => call('library.delete', { ids }), () => `Deleted “${a.name}”`, () => call('library.undelete', { ids }), props.onChanged).then((r) => r && gone())}
        >
          Delete
        </button>
      )}
    </div>
  );
}
