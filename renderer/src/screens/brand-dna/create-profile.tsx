import { useState } from 'react';
import { DropZone } from '../../components/drop-zone.tsx';
import { call } from '../../api.ts';
import { uploadFile } from '../../hooks/upload-file.ts';
import { attempt } from '../../store/toasts.ts';

/** Build a profile from 1–5 references without starting a batch. */
export function CreateProfile(props: { onDone(id: string | null): void }) {
  const [name, setName] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const create = async (): Promise<void> => {
    setBusy(true);
    const p = await attempt('Create profile', async () => {
      const ids: string[] = [];
      for (const f of files) ids.push((await uploadFile(f)).uploadId);
      return call('profiles.create', { name, refUploadIds: ids });
    });
    setBusy(false);
    if (p) props.onDone(p.id);
  };
  return (
    <div className="card stack">
      <h3>New profile</h3>
      <input className="input" placeholder="Profile name" value={name} onChange={(e) => setName(e.target.value)} aria-label="Profile name" />
      <DropZone label="Drop 1–5 reference images" hint={files.length ? files.map((f) => f.name).join(', ') : 'or click to choose'} accept="image/*" multiple onFiles={(f) => setFiles(f.slice(0, 5))} testId="profile-refs" />
      <span className="row gap">
        <button className="btn primary" disabled={busy || !name.trim() || files.length === 0} onClick={() => void create()}>
          {busy ? 'Extracting…' : 'Extract brand DNA'}
        </button>
        <button className="btn ghost" onClick={() => props.onDone(null)}>
          Cancel
        </button>
      </span>
    </div>
  );
}
