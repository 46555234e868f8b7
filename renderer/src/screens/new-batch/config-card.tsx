import { useEffect } from 'react';
import type { PackInfo, Sampler } from '../../../../preload/api.ts';
import { Field } from '../../components/field.tsx';
import { useNewBatch, type FormConfig } from '../../store/new-batch.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { LoraPicker } from './lora-picker.tsx';
import { installedSdxl, usePackList } from '../../store/packs.ts';
import { fitConfig, outside, range } from './fit-config.ts';

type NumKey = 'steps' | 'guidance' | 'retries' | 'concurrency' | 'candidates';

const SAMPLER_LABEL: Record<Sampler, string> = { euler: 'Euler', euler_a: 'Euler ancestral', dpmpp_2m_karras: 'DPM++ 2M Karras' };

/**
 * Step 5: generation settings. The pack is chosen from the installed SDXL packs, and only its
 * sizes, step/guidance ranges and samplers are offered; every other min/max is the contract's
 * (batches.configBounds reads BatchConfigSchema), so the form cannot send what the server refuses.
 */
export function ConfigCard() {
  const { config, setConfig } = useNewBatch();
  const packs = usePackList();
  const boundsReq = useRequest('batches.configBounds', {});
  const bounds = boundsReq.data ?? {};
  const sdxl = installedSdxl(packs.data);
  const pack = sdxl.find((p) => p.id === config.packId) ?? null;
  const limits = pack?.limits ?? null;

  // No (or an uninstalled) pack chosen: take the first installed one and fit the form to it.
  useEffect(() => {
    const cur = useNewBatch.getState().config;
    const target = pack ?? sdxl[0];
    if (!target?.limits) return;
    const fitted = fitConfig(cur, target.id, target.limits);
    if (fitted.packId !== cur.packId || fitted.width !== cur.width || fitted.height !== cur.height || fitted.steps !== cur.steps || fitted.guidance !== cur.guidance || fitted.sampler !== cur.sampler) setConfig(fitted);
  }, [pack, sdxl, setConfig]);

  const num = (k: NumKey, label: string, step = 1, packRange?: { min: number; max: number }) => {
    const r = range(bounds[k], packRange);
    const bad = outside(config[k], r, bounds[k]?.int ?? false);
    return (
      <Field label={label} hint={<span className={bad ? 'bad-text' : undefined}>{r.min !== undefined && r.max !== undefined ? `${r.min}–${r.max}` : ''}</span>}>
        <input className="input num" type="number" min={r.min} max={r.max} step={step} value={config[k]} aria-invalid={bad} onChange={(e) => setConfig({ [k]: Number(e.target.value) } as Partial<FormConfig>)} />
      </Field>
    );
  };
  const thr = (k: keyof FormConfig['thresholds'], label: string, step: number) => {
    const r = range(bounds[`thresholds.${k}`]);
    return (
      <Field label={label}>
        <input className="input num" type="number" min={r.min} max={r.max} step={step} value={config.thresholds[k]} aria-invalid={outside(config.thresholds[k], r, false)} onChange={(e) => setConfig({ thresholds: { ...config.thresholds, [k]: Number(e.target.value) } })} />
      </Field>
    );
  };
  const seedRange = range(bounds['seed.base']);
  const sizeKey = `${config.width}x${config.height}`;
  return (
    <div className="card config" data-testid="config-card">
      <h2>5 · Generation</h2>
      <div className="form-grid">
        <Field label="Model pack" hint={packs.error ? 'Model list unavailable' : sdxl.length === 0 && packs.data ? 'No SDXL pack installed: see above' : packHint(pack)}>
          <select
            className="input"
            value={pack?.id ?? ''}
            disabled={sdxl.length === 0}
            onChange={(e) => {
              const p = sdxl.find((x) => x.id === e.target.value);
              if (p?.limits) setConfig(fitConfig(config, p.id, p.limits));
            }}
          >
            {sdxl.length === 0 ? <option value="">none installed</option> : null}
            {sdxl.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Size" hint={limits ? `${limits.sizes.length} size(s) this pack supports` : undefined}>
          <select
            className="input"
            value={sizeKey}
            disabled={!limits}
            onChange={(e) => {
              const [w, h] = e.target.value.split('x').map(Number);
              if (w && h) setConfig({ width: w, height: h });
            }}
          >
            {(limits?.sizes ?? [{ width: config.width, height: config.height }]).map((s) => (
              <option key={`${s.width}x${s.height}`} value={`${s.width}x${s.height}`}>
                {s.width}×{s.height}
              </option>
            ))}
          </select>
        </Field>
        {num('steps', 'Steps', 1, limits?.steps)}
        {num('guidance', 'CFG scale', 0.5, limits?.guidance)}
        <Field label="Sampler">
          <select className="input" value={config.sampler} onChange={(e) => setConfig({ sampler: e.target.value as Sampler })}>
            {(limits?.samplers ?? (Object.keys(SAMPLER_LABEL) as Sampler[])).map((s) => (
              <option key={s} value={s}>
                {SAMPLER_LABEL[s]}
              </option>
            ))}
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
            <input className="input num" type="number" min={seedRange.min} max={seedRange.max} value={config.seed.base} aria-invalid={outside(config.seed.base, seedRange, true)} onChange={(e) => setConfig({ seed: { ...config.seed, base: Number(e.target.value) } })} />
          </Field>
        ) : null}
        {num('retries', 'Style retries')}
        {num('concurrency', 'Concurrency')}
        {num('candidates', 'Candidates per row (best of k)')}
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
        {thr('style', 'Pass style ≥', 0.01)}
        {thr('clip', 'CLIP ≥', 0.01)}
        {thr('colour', 'Colour ΔE ≤', 1)}
        {thr('edge', 'Edges ≥', 0.01)}
        {thr('preflight', 'Pre-flight ≥', 0.01)}
        <LoraPicker />
      </div>
    </div>
  );
}

/** Under the pack choice: what the chosen pack is (noise from a test pack, an installed IP-Adapter). */
function packHint(p: PackInfo | null | undefined): string | undefined {
  const parts = [p?.testPack ? 'test pack: images are noise' : '', p?.ipAdapter ? 'with IP-Adapter: the style-weight retry uses it' : ''].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}
