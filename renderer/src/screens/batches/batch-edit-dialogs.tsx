import { useState } from 'react';
import type { BatchSummary, DuplicateChanges, Sampler } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { attempt } from '../../store/toasts.ts';
import { useBatches } from '../../store/batches.ts';

/** Rename a batch (Enter saves, Escape closes). */
export function RenameDialog(props: { batch: BatchSummary; onClose(): void }) {
  const [name, setName] = useState(props.batch.name);
  const upsert = useBatches((s) => s.upsert);
  const save = async (): Promise<void> => {
    const b = await attempt('Rename', () => call('batches.rename', { id: props.batch.id, name }), (v) => `Renamed to ${v.name}`);
    if (b) {
      upsert(b);
      props.onClose();
    }
  };
  return (
    <Modal
      title="Rename batch"
      onClose={props.onClose}
      footer={
        <>
          <button className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button className="btn primary" disabled={!name.trim() || name.trim().length > 200} onClick={() => void save()}>
            Save name
          </button>
        </>
      }
    >
      <form onSubmit={(e) => (e.preventDefault(), void save())}>
        <Field label="Batch name" hint={`${name.trim().length}/200 characters`}>
          <input className="input" data-autofocus value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </Field>
      </form>
    </Modal>
  );
}

/**
 * "Run again with changes": a new draft batch with this batch's rows; the choices offered are
 * the ones its pack allows (models.list → limits), so the server never refuses the copy.
 */
export function RunAgainDialog(props: { batch: BatchSummary; onClose(): void }) {
  const b = props.batch;
  const packs = useRequest('models.list', {});
  const limits = packs.data?.find((p) => p.id === b.packId)?.limits ?? null;
  const { upsert, select } = useBatches();
  const [name, setName] = useState(`${b.name} (again)`);
  const [onlyFailed, setOnlyFailed] = useState(b.counts.rerun > 0);
  // "Only these rows" takes the same statuses as Re-run (the engine's list and count).
  const rerunLabels = b.counts.statuses.filter((s) => s.rerun).map((s) => s.label).join(', ').replace(/, ([^,]*)$/, ' or $1');
  const [seeds, setSeeds] = useState<'keep' | 'new'>('new');
  const [steps, setSteps] = useState<string>('');
  const [sampler, setSampler] = useState<Sampler | ''>('');
  const [size, setSize] = useState('');
  const [start, setStart] = useState(true);

  const create = async (): Promise<void> => {
    const [w, h] = size ? size.split('x').map(Number) : [undefined, undefined];
    const changes: DuplicateChanges = {
      name: name.trim(),
      seeds,
      onlyFailed,
      ...(steps ? { steps: Number(steps) } : {}),
      ...(sampler ? { sampler } : {}),
      ...(w && h ? { width: w, height: h } : {}),
    };
    const copy = await attempt('Run again', () => call('batches.duplicate', { id: b.id, changes }), (v) => `${v.name}: ${v.counts.total} row(s)${start ? ' started' : ' saved as a draft'}`);
    if (!copy) return;
    const started = start ? await attempt('Start', () => call('batches.resume', { id: copy.id })) : null;
    upsert(started ?? copy);
    select(copy.id);
    props.onClose();
  };
  const stepsNum = Number(steps);
  const stepsBad = steps !== '' && limits !== null && (!Number.isInteger(stepsNum) || stepsNum < limits.steps.min || stepsNum > limits.steps.max);
  return (
    <Modal
      title="Run again with changes"
      onClose={props.onClose}
      testId="run-again-dialog"
      footer={
        <>
          <button className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button className="btn primary" disabled={!name.trim() || stepsBad} onClick={() => void create()}>
            {start ? 'Create and start' : 'Create draft'}
          </button>
        </>
      }
    >
      <Field label="New batch name">
        <input className="input" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={onlyFailed} onChange={(e) => setOnlyFailed(e.target.checked)} /> Only the {b.counts.rerun} row(s) in {rerunLabels}
      </label>
      <div className="form-grid">
        <Field label="Size" hint={limits ? undefined : 'pack not installed: kept as it was'}>
          <select className="input" value={size} onChange={(e) => setSize(e.target.value)} disabled={!limits}>
            <option value="">as before</option>
            {limits?.sizes.map((s) => (
              <option key={`${s.width}x${s.height}`} value={`${s.width}x${s.height}`}>
                {s.width}×{s.height}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Steps" hint={limits ? `${limits.steps.min}–${limits.steps.max}` : undefined}>
          <input className="input" type="number" placeholder="as before" min={limits?.steps.min} max={limits?.steps.max} value={steps} onChange={(e) => setSteps(e.target.value)} aria-invalid={stepsBad} />
        </Field>
        <Field label="Sampler">
          <select className="input" value={sampler} onChange={(e) => setSampler(e.target.value as Sampler | '')}>
            <option value="">as before</option>
            {(limits?.samplers ?? ['euler', 'euler_a', 'dpmpp_2m_karras']).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Seeds" hint={seeds === 'new' ? 'new images' : 'repeats the images'}>
          <select className="input" value={seeds} onChange={(e) => setSeeds(e.target.value as 'keep' | 'new')}>
            {/* Short labels: the grid's third of a 520 px dialog clipped "new seeds (new images)". */}
            <option value="new">new</option>
            <option value="keep">as before</option>
          </select>
        </Field>
      </div>
      <label className="check">
        <input type="checkbox" checked={start} onChange={(e) => setStart(e.target.checked)} /> Start it right away
      </label>
    </Modal>
  );
}

/**
 * Deleting a batch states the count and the scope, and asks separately about its library
 * assets (kept unless ticked; ticked ones go to the library's Deleted view, not gone). Focus
 * starts on Cancel.
 */
export function DeleteBatchDialog(props: { batch: BatchSummary; onClose(): void }) {
  const b = props.batch;
  const [withAssets, setWithAssets] = useState(false);
  const { remove, select } = useBatches();
  const del = async (): Promise<void> => {
    const r = await attempt('Delete batch', () => call('batches.delete', { id: b.id, deleteAssets: withAssets }), (v) =>
      `Deleted ${b.name}: ${v.tasks} row(s)${v.assetsDeleted ? `, ${v.assetsDeleted} asset(s) moved to Deleted` : ''}`);
    props.onClose();
    if (r) {
      remove(b.id);
      select(null);
    }
  };
  return (
    <Modal
      title="Delete batch"
      onClose={props.onClose}
      testId="delete-batch-dialog"
      footer={
        <>
          <button className="btn ghost" onClick={props.onClose} data-autofocus>
            Cancel
          </button>
          <button className="btn danger" onClick={() => void del()} data-testid="confirm-delete-batch">
            Delete {b.counts.total} row(s)
          </button>
        </>
      }
    >
      <p>
        Delete “{b.name}” with its {b.counts.total} row(s) and their attempts? This cannot be undone. Its {b.counts.byStatus.ready} library asset(s) stay in the library unless you tick the box.
      </p>
      <label className="check">
        <input type="checkbox" checked={withAssets} onChange={(e) => setWithAssets(e.target.checked)} /> Also move its {b.counts.byStatus.ready} library asset(s) to Deleted
      </label>
    </Modal>
  );
}
