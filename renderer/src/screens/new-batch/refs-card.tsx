import { useState } from 'react';
import { DropZone } from '../../components/drop-zone.tsx';
import { ErrorState } from '../../components/error-state.tsx';
import { call, type RequestError } from '../../api.ts';
import { asRequestError } from '../../hooks/use-request.ts';
import { uploadFile } from '../../hooks/upload-file.ts';
import { useNewBatch, type RefFile } from '../../store/new-batch.ts';

const MAX_REFS = 5;

/** Step 2: 1–5 style references, checked for size, corruption and duplicates. */
export function RefsCard() {
  const { refs, refReports, set } = useNewBatch();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RequestError | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const check = async (list: RefFile[]): Promise<void> => {
    if (list.length === 0) {
      set({ refReports: [] });
      return;
    }
    try {
      set({ refReports: await call('intake.checkRefs', { uploadIds: list.map((r) => r.uploadId) }) });
      setError(null);
    } catch (err) {
      setError(asRequestError(err));
    }
  };

  const onFiles = async (files: File[]): Promise<void> => {
    const images = files.filter((f) => f.type.startsWith('image/') || /\.(png|jpe?g|webp)$/i.test(f.name));
    const room = MAX_REFS - refs.length;
    setNote(images.length < files.length ? 'Only PNG, JPEG and WebP images are accepted.' : images.length > room ? `Only ${MAX_REFS} references are used; extra files were ignored.` : null);
    if (room <= 0 || images.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const added: RefFile[] = [];
      for (const f of images.slice(0, room)) {
        const up = await uploadFile(f);
        added.push({ uploadId: up.uploadId, name: f.name, previewUrl: URL.createObjectURL(f) });
      }
      const next = [...useNewBatch.getState().refs, ...added];
      set({ refs: next });
      await check(next);
    } catch (err) {
      setError(asRequestError(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = (id: string): void => {
    const gone = refs.find((r) => r.uploadId === id);
    if (gone) URL.revokeObjectURL(gone.previewUrl);
    const next = refs.filter((r) => r.uploadId !== id);
    set({ refs: next, refReports: refReports.filter((r) => r.uploadId !== id) });
  };

  return (
    <div className="card" data-testid="refs-card">
      <h2>2 · Style references ({refs.length}/{MAX_REFS})</h2>
      <DropZone label="Drop 1–5 reference images" hint="or click to choose · PNG, JPEG, WebP" accept="image/png,image/jpeg,image/webp" multiple onFiles={(f) => void onFiles(f)} testId="refs-drop" busy={busy} />
      {note ? <p className="warn-text small">{note}</p> : null}
      {error ? <ErrorState error={error} what="Reference check" compact /> : null}
      {refs.length > 0 ? (
        <ul className="ref-list">
          {refs.map((r) => {
            const rep = refReports.find((x) => x.uploadId === r.uploadId);
            return (
              <li key={r.uploadId} className={rep && !rep.ok ? 'ref bad' : 'ref'}>
                <img src={r.previewUrl} alt={r.name} width={72} height={72} />
                <span className="ref-info">
                  <span className="ellipsis">{r.name}</span>
                  <span className="small muted num">{rep ? `${rep.width}×${rep.height}` : 'checking…'}</span>
                  {rep && !rep.ok ? <span className="small bad-text">{rep.problem ?? 'unusable'}</span> : null}
                  {rep?.duplicateOf ? <span className="small warn-text">duplicate of {rep.duplicateOf}</span> : null}
                </span>
                <button className="btn ghost small" onClick={() => remove(r.uploadId)} aria-label={`Remove ${r.name}`}>
                  ✕
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
