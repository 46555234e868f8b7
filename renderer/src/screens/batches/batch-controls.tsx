import { useState } from 'react';
import type { BatchSummary } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { useBatches } from '../../store/batches.ts';
import { useTasks } from '../../store/tasks.ts';
import { confirmAction } from '../../store/confirm.ts';

/** Pause / resume / cancel / priority for a batch; the ledger makes them survive a restart. */
export function BatchControls(props: { batch: BatchSummary }) {
  const b = props.batch;
  const upsert = useBatches((s) => s.upsert);
  const [priority, setPriority] = useState(b.priority);
  const finished = b.state === 'done' || b.state === 'cancelled';
  const act = async (what: string, fn: () => Promise<BatchSummary>): Promise<void> => {
    const next = await attempt(what, fn, (v) => `${v.name}: ${v.state}`);
    if (next) upsert(next);
  };
  const held = b.counts.byStatus.held;
  const cancel = async (): Promise<void> => {
    const open = b.counts.open;
    const ok = await confirmAction({
      title: 'Cancel batch',
      message: `Cancel “${b.name}”? Its ${open} unfinished row(s) stop and will not be generated; the ${b.counts.byStatus.ready} finished asset(s) stay in the library. Only this batch is affected.`,
      confirmLabel: `Cancel ${open} row(s)`,
      danger: true,
    });
    if (ok) await act('Cancel', () => call('batches.cancel', { id: b.id }));
  };
  return (
    <div className="controls" role="group" aria-label="Batch controls">
      {b.state === 'paused' ? (
        <button className="btn" onClick={() => void act('Resume', () => call('batches.resume', { id: b.id }))}>
          ▶ Resume
        </button>
      ) : (
        <button className="btn" disabled={finished} onClick={() => void act('Pause', () => call('batches.pause', { id: b.id }))}>
          ❚❚ Pause
        </button>
      )}
      {held > 0 ? (
        <button
          className="btn"
          onClick={() => {
            const { order, byId } = useTasks.getState();
            const ids = (order[b.id] ?? []).filter((id) => byId[id]?.status === 'held');
            if (ids.length) void attempt('Release held', () => call('tasks.release', { ids, action: 'release' }), (r) => `Released ${r.updated} held task(s)`);
          }}
        >
          Release {held} on hold
        </button>
      ) : null}
      <button
        className="btn danger"
        disabled={finished}
        data-testid="cancel-batch"
        onClick={() => void cancel()}
      >
        Cancel batch…
      </button>
      <label className="inline-field">
        Priority
        <input
          type="number"
          className="input narrow"
          value={priority}
          min={-1000}
          max={1000}
          onChange={(e) => setPriority(Number(e.target.value))}
          onBlur={() => {
            if (priority !== b.priority) void act('Set priority', () => call('batches.setPriority', { id: b.id, priority }));
          }}
        />
      </label>
    </div>
  );
}
