import { useState } from 'react';
import type { BatchSummary } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { useBatches } from '../../store/batches.ts';
import { DeleteBatchDialog, RenameDialog, RunAgainDialog } from './batch-edit-dialogs.tsx';

/** Rename, run again with changes, re-run the rows a person has to decide on, archive and delete one batch. */
export function BatchAdminActions(props: { batch: BatchSummary }) {
  const b = props.batch;
  const upsert = useBatches((s) => s.upsert);
  const [dialog, setDialog] = useState<'rename' | 'again' | 'delete' | null>(null);
  // The engine's count of what Re-run queues (its statuses, e.g. Needs review, Rejected, Cancelled).
  const rerunRows = b.counts.rerun;
  const rerunWhat = b.counts.statuses.filter((s) => s.rerun).map((s) => `${s.label} ${s.count}`).join(' · ');
  const running = b.state === 'running';

  const rerun = async (): Promise<void> => {
    const r = await attempt('Re-run', () => call('batches.rerunFailed', { id: b.id }), (v) => `${v.queued} row(s) of ${b.name} queued again`);
    if (r) upsert(r.batch);
  };
  const archive = async (): Promise<void> => {
    const r = await attempt(b.archived ? 'Unarchive' : 'Archive', () => call('batches.archive', { id: b.id, archived: !b.archived }), (v) => `${v.name} ${v.archived ? 'archived' : 'back in the list'}`);
    if (r) upsert(r);
  };
  return (
    <div className="controls wrap" role="group" aria-label="Manage batch">
      <button className="btn" onClick={() => setDialog('rename')}>
        Rename
      </button>
      <button className="btn" onClick={() => setDialog('again')} title="A new batch with the same rows, with the changes you choose">
        Run again…
      </button>
      <button
        className="btn"
        disabled={rerunRows === 0 || b.state === 'cancelled'}
        onClick={() => void rerun()}
        title={b.state === 'cancelled' ? 'A cancelled batch cannot be re-queued: use Run again' : `Queue these rows again: ${rerunWhat}`}
        data-testid="rerun-rows"
        data-count={rerunRows}
      >
        Re-run {rerunRows} {rerunRows === 1 ? 'row' : 'rows'}
      </button>
      <button className="btn" disabled={running && !b.archived} onClick={() => void archive()} title={running ? 'Pause or cancel the batch first' : undefined}>
        {b.archived ? 'Unarchive' : 'Archive'}
      </button>
      <button className="btn danger" disabled={running} onClick={() => setDialog('delete')} title={running ? 'Pause or cancel the batch first' : undefined} data-testid="delete-batch">
        Delete…
      </button>
      {dialog === 'rename' ? <RenameDialog batch={b} onClose={() => setDialog(null)} /> : null}
      {dialog === 'again' ? <RunAgainDialog batch={b} onClose={() => setDialog(null)} /> : null}
      {dialog === 'delete' ? <DeleteBatchDialog batch={b} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
