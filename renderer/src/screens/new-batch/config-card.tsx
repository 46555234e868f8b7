import { Field } from '../../components/field.tsx';
import { useNewBatch, type FormConfig } from '../../store/new-batch.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { LoraPicker } from './lora-picker.tsx';

type NumKey = 'width' | 'height' | 'steps' | 'guidance' | 'retries' | 'concurrency' | 'candidates';

/** Step 5: generation settings. Defaults come from Settings (thresholds, model pack). */
export function ConfigCard() {
  const { config, setConfig } = useNewBatch();
  const packs = useRequest('models.list', {});
  const sdxl = (packs.data ?? []).filter((p) => p.kind === 'sdxl' && p.installed);
  const num = (k: NumKey, label: string, min: number, max: number, step = 1) => (
    <Field label={label}>
      <input className="input num" type="number" min={min} max={max} step={step} value={config[k]} onChange={(e) => setConfig({ [k]: Number(e.target.value) } as Partial<FormConfig>)} />
    </Field>
  );
  const thr = (k: keyof FormConfig['thresholds'], label: string, max: number, step: number) => (
    <Field label={label}>
      <input className="input num" type="number" min={0} max={max} step={step} value={config.thresholds[k]} onChange={(e) => setConfig({ thresholds: { ...config.thresholds, [k]: Number(e.target.value) } })} />
    </Field>
  );
  return (
    <div className="card config" data-testid="config-card">
      <h2>5 · Generation</h2>
      <div className="form-grid">
        {num('width', 'Width', 64, 4096, 64)}
        {num('height', 'Height', 64, 4096, 64)}
        {num('steps', 'Steps', 1, 150)}
        {num('guidance', 'CFG scale', 0, 30, 0.5)}
        <Field label="Sampler">
          <select className="input" value={config.sampler} onChange={(e) => setConfig({ sampler: e.target.value as FormConfig['sampler'] })}>
            <option value="euler">Euler</option>
            <option value="euler_a">Euler ancestral</option>
            <option value="dpmpp_2m_karras">DPM++ 2M Karras</option>
          </select>
        </Field>
        <Field label="Seed">
          <select className="input" value={config.seed.mode} onChange={(e) => setConfig({ seed: { ...config.seed, mode: e.target.value as FormConfig['seed']['mode'] } })}>
            <option value="random">Random per task</option>
            <option value="fixed">Fixed</option>
          </select>
        </Field>
        {config.seed.mode === 'fixed' ? (
          <Field label="Seed value">
            <input className="input num" type="number" min={0} max={2 ** 32 - 1} value={config.seed.base} onChange={(e) => setConfig({ seed: { ...config.seed, base: Number(e.target.value) } })} />
          </Field>
        ) : null}
        <Field label="Model pack" hint={packs.error ? 'Model list unavailable' : sdxl.length === 0 && packs.data ? 'No SDXL pack installed (see Settings)' : undefined}>
          <select className="input" value={config.packId ?? ''} onChange={(e) => setConfig({ packId: e.target.value || null })}>
            <option value="">Default</option>
            {sdxl.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <LoraPicker />
        {/* Same limits as BATCH_LIMITS in the contract (the core re-checks them). */}
        {num('retries', 'Style retries', 0, 10)}
        {num('concurrency', 'Concurrency', 1, 8)}
        {num('candidates', 'Candidates per row (best of k)', 1, 8)}
        <Field label="Low-confidence prompts">
          <select className="input" value={config.lowConfidence} onChange={(e) => setConfig({ lowConfidence: e.target.value as FormConfig['lowConfidence'] })}>
            <option value="continue">Continue (report only)</option>
            <option value="hold">Hold for review</option>
          </select>
        </Field>
        <Field label="Claude polish">
          <span className="check">
            <input type="checkbox" checked={config.polish} onChange={(e) => setConfig({ polish: e.target.checked })} /> rewrite prompts with Claude
          </span>
        </Field>
        {thr('style', 'Pass style ≥', 1, 0.01)}
        {thr('clip', 'CLIP ≥', 1, 0.01)}
        {thr('colour', 'Colour ΔE ≤', 100, 1)}
        {thr('edge', 'Edges ≥', 1, 0.01)}
        {thr('preflight', 'Pre-flight ≥', 1, 0.01)}
      </div>
    </div>
  );
}
