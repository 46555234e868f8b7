import { useRequest } from '../../hooks/use-request.ts';
import { useLibrary } from '../../store/library.ts';

/** Nearest neighbours by CLIP embedding; quietly explains when similarity is unavailable. */
export function SimilarStrip(props: { assetId: string }) {
  const similar = useRequest('library.similar', { assetId: props.assetId, k: 8 });
  const focus = useLibrary((s) => s.focus);
  return (
    <div>
      <h4>Similar</h4>
      {similar.error ? <p className="muted small">Similar images unavailable ({similar.error.kind}).</p> : null}
      {similar.data && similar.data.length === 0 ? <p className="muted small">No similar images.</p> : null}
      <div className="thumb-strip">
        {(similar.data ?? [])
          .filter((a) => a.id !== props.assetId)
          .map((a) => (
            <button key={a.id} className="mini-tile" onClick={() => focus(a.id)} title={a.name}>
              <img src={a.thumbUrl} alt={a.name} width={56} height={56} />
            </button>
          ))}
      </div>
    </div>
  );
}
