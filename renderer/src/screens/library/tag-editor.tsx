import { useState } from 'react';
import type { AssetDetail } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';

/** Tags with their source (clip/claude/user); add with Enter, remove with ✕. */
export function TagEditor(props: { asset: AssetDetail; onSaved(a: AssetDetail): void }) {
  const [draft, setDraft] = useState('');
  const tags = props.asset.tags.map((t) => t.tag);
  const save = async (next: string[]): Promise<void> => {
    const a = await attempt('Save tags', () => call('library.setTags', { id: props.asset.id, tags: next }));
    if (a) props.onSaved(a);
  };
  return (
    <div>
      <h4>Tags</h4>
      <div className="chips">
        {props.asset.tags.map((t) => (
          <span key={t.tag} className={`chip source-${t.source}`} title={`${t.group} · ${t.source} · ${(t.confidence * 100).toFixed(0)}%`}>
            {t.tag}
            <button className="chip-x" onClick={() => void save(tags.filter((x) => x !== t.tag))} aria-label={`Remove tag ${t.tag}`}>
              ✕
            </button>
          </span>
        ))}
        <input
          className="input chip-input"
          value={draft}
          placeholder="add tag…"
          aria-label="Add tag"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && draft.trim()) {
              void save([...new Set([...tags, draft.trim().toLowerCase()])]);
              setDraft('');
            }
          }}
        />
      </div>
    </div>
  );
}
