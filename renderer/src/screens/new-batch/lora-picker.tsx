import { useId } from 'react';
import type { LoraDto } from '../../../../preload/api.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { useNewBatch } from '../../store/new-batch.ts';

// Same limits as BATCH_LIMITS.loras in the contract (the core re-checks them).
const max = 8;
const scale = { min: -4, max: 4 };

/**
 * LoRAs for the batch, each with a scale (config.loras). The core bakes them into a cached
 * variant of the pack. A LoRA's trigger words (from its metadata) can be added to the template.
 * A group, not a <label> (unlike Field): a label around several checkboxes and buttons would
 * toggle the first LoRA on any click in it. It spans the whole form grid: a row per LoRA.
 */
export function LoraPicker() {
  const { config, setConfig, template, mode, set } = useNewBatch();
  const loras = useRequest('loras.list', {});
  const labelId = useId();
  const list = loras.data ?? [];
  const picked = new Map(config.loras.map((l) => [l.id, l.scale]));
  const toggle = (l: LoraDto, on: boolean): void =>
    setConfig({ loras: on ? [...config.loras, { id: l.id, scale: 1 }].slice(0, max) : config.loras.filter((x) => x.id !== l.id) });
  const setScale = (id: string, v: number): void => setConfig({ loras: config.loras.map((x) => (x.id === id ? { ...x, scale: v } : x)) });
  const addWord = (w: string): void => {
    if (template.includes(w)) return;
    set({ template: template.trim() ? `${template.trim()}, ${w}` : w });
  };
  const hint = loras.error ? 'LoRA list unavailable' : list.length === 0 && loras.data ? 'None imported: add LoRAs in Settings → LoRAs' : `Up to ${max}; scale ${scale.min}…${scale.max}`;
  return (
    <div className="field lora-field" role="group" aria-labelledby={labelId}>
      <span className="field-label" id={labelId}>
        LoRAs
      </span>
      <div className="stack tight" data-testid="lora-picker">
        {list.map((l) => {
          const on = picked.has(l.id);
          return (
            <div key={l.id} className="row gap wrap">
              <label className="check lora-name">
                <input type="checkbox" checked={on} disabled={!on && config.loras.length >= max} onChange={(e) => toggle(l, e.target.checked)} aria-label={`Use LoRA ${l.name}`} /> {l.name}
              </label>
              {on ? (
                <label className="inline-field">
                  scale
                  <input className="input narrow num" type="number" min={scale.min} max={scale.max} step={0.05} value={picked.get(l.id)} onChange={(e) => setScale(l.id, Number(e.target.value))} aria-label={`Scale of ${l.name}`} />
                </label>
              ) : null}
              {on && mode === 'template' && l.triggerWords.length > 0 ? <span className="small muted">trigger words:</span> : null}
              {on && mode === 'template'
                ? l.triggerWords.map((w) => {
                    const added = template.includes(w);
                    return (
                      <button key={w} type="button" className="btn small" disabled={added} onClick={() => addWord(w)} title={added ? 'Already in the template' : 'Add this trigger word to the template'} aria-label={`Add trigger word ${w}`}>
                        {added ? '✓' : '+'} {w}
                      </button>
                    );
                  })
                : null}
              {/* Prompts from a CSV column: the words cannot be added for you, but they are shown. */}
              {on && mode !== 'template' && l.triggerWords.length > 0 ? <span className="small muted">trigger words (put them in the prompt column, or use a template to add them here): {l.triggerWords.join(', ')}</span> : null}
            </div>
          );
        })}
      </div>
      <span className="field-hint">{hint}</span>
    </div>
  );
}
