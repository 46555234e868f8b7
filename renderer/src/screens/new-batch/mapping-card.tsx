import { useRef } from 'react';
import { Segmented } from '../../components/segmented.tsx';
import { Field } from '../../components/field.tsx';
import { useNewBatch } from '../../store/new-batch.ts';
import { StyleToggles } from './style-toggles.tsx';
import { ProfilePicker } from './profile-picker.tsx';

/** Step 3: where prompts come from — a column of ready prompts or a {column} template. */
export function MappingCard() {
  const { csv, mode, promptColumn, template, negativePrompt, set } = useNewBatch();
  const area = useRef<HTMLTextAreaElement>(null);
  const columns = csv?.columns ?? [];

  const insert = (col: string): void => {
    const el = area.current;
    const token = `{${col}}`;
    if (!el) return set({ template: template + token });
    const start = el.selectionStart;
    const next = template.slice(0, start) + token + template.slice(el.selectionEnd);
    set({ template: next });
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  };

  return (
    <div className="card mapping" data-testid="mapping-card">
      <h2>3 · Prompts</h2>
      {!csv ? <p className="muted">Load a CSV to map its columns.</p> : null}
      <Segmented name="prompt-mode" label="Prompt source" value={mode} options={['column', 'template'] as const} onChange={(v) => set({ mode: v })} />
      {mode === 'column' ? (
        <Field label="Prompt column">
          <select className="input" value={promptColumn ?? ''} onChange={(e) => set({ promptColumn: e.target.value || null })} disabled={!csv}>
            {columns.length === 0 ? <option value="">—</option> : null}
            {columns.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </Field>
      ) : (
        <Field label="Template" hint="Use {column} for values from each row. Click a column to insert it.">
          <textarea ref={area} className="input mono" rows={3} value={template} onChange={(e) => set({ template: e.target.value })} placeholder="product photo of {name}, {colour} {material}" aria-label="Prompt template" />
          <span className="chips">
            {columns.map((c) => (
              <button key={c} type="button" className="chip button" onClick={() => insert(c)}>
                {`{${c}}`}
              </button>
            ))}
          </span>
        </Field>
      )}
      <Field label="Negative prompt">
        <input className="input" value={negativePrompt} onChange={(e) => set({ negativePrompt: e.target.value })} />
      </Field>
      <StyleToggles />
      <ProfilePicker />
    </div>
  );
}
