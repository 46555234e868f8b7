import { useState } from 'react';
import type { AssetDetail } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';

/** Category (free text, saved on blur/Enter) and the tagger's subcategories. */
export function CategoryEditor(props: { asset: AssetDetail; onSaved(a: AssetDetail): void }) {
  const [value, setValue] = useState(props.asset.category ?? '');
  const save = async (): Promise<void> => {
    const next = value.trim() || null;
    if (next === props.asset.category) return;
    const a = await attempt('Save category', () => call('library.setCategory', { id: props.asset.id, category: next }));
    if (a) props.onSaved(a);
  };
  return (
    <label className="field wide">
      <span className="field-label">Category</span>
      <input className="input" value={value} onChange={(e) => setValue(e.target.value)} onBlur={() => void save()} onKeyDown={(e) => e.key === 'Enter' && void save()} />
      {props.asset.subcategories.length ? <span className="field-hint">{props.asset.subcategories.join(' · ')}</span> : null}
    </label>
  );
}
