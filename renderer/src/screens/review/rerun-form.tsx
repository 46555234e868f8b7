import { useState } from 'react';
import type { ReviewItem, Sampler } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { Field } from '../../components/field.tsx';
import { TokenCounter } from '../../components/token-counter.tsx';

/** Edit the prompt and parameters of a failed task and send it back through the pipeline. */
export function RerunForm(props: { item: ReviewItem; onDone(rerun: boolean): void }) {
  const [prompt, setPrompt] = useState(props.item.prompt);
  const [negative, setNegative] = useState('');
  const [steps, setSteps] = useState('');
  const [guidance, setGuidance] = useState('');
  const [seed, setSeed] = useState('');
  const [sampler, setSampler] = useState<Sampler | ''>('');
  const submit = async (): Promise<void> => {
    const params = {
      ...(steps ? { steps: Number(steps) } : {}),
      ...(guidance ? { guidance: Number(guidance) } : {}),
      ...(seed ? { seed: Number(seed) } : {}),
      ...(sampler ? { sampler } : {}),
    };
    const r = await attempt('Regenerate', () => call('review.rerun', { taskId: props.item.taskId, prompt, ...(negative ? { negativePrompt: negative } : {}), params }), () => 'Sent back to the queue');
    props.onDone(r !== null);
  };
  return (
    <form
      className="card stack"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => e.key === 'Escape' && props.onDone(false)}
    >
      <h3>Edit &amp; regenerate</h3>
      <Field label="Prompt" wide>
        <textarea className="input" rows={3} value={prompt} onChange={(e) => setPrompt(e.target.value)} autoFocus data-testid="rerun-prompt" />
      </Field>
      <TokenCounter text={prompt} />
      <Field label="Negative prompt (blank keeps it)" wide>
        <input className="input" value={negative} onChange={(e) => setNegative(e.target.value)} />
      </Field>
      <div className="form-grid">
        <Field label="Steps">
          <input className="input num" type="number" min={1} max={150} value={steps} onChange={(e) => setSteps(e.target.value)} placeholder="same" />
        </Field>
        <Field label="CFG">
          <input className="input num" type="number" min={0} max={30} step={0.5} value={guidance} onChange={(e) => setGuidance(e.target.value)} placeholder="same" />
        </Field>
        <Field label="Seed">
          <input className="input num" type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} placeholder="new random" />
        </Field>
        <Field label="Sampler">
          <select className="input" value={sampler} onChange={(e) => setSampler(e.target.value as Sampler | '')}>
            <option value="">same</option>
            <option value="euler">Euler</option>
            <option value="euler_a">Euler ancestral</option>
            <option value="dpmpp_2m_karras">DPM++ 2M Karras</option>
          </select>
        </Field>
      </div>
      <div className="row gap">
        <button className="btn primary" type="submit" disabled={!prompt.trim()}>
          Regenerate
        </button>
        <button className="btn ghost" type="button" onClick={() => props.onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
