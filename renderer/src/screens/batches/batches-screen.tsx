import { useEffect, useState } from 'react';
import { useStale } from '../../store/connection.ts';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { ErrorState } from '../../components/error-state.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { Loading } from '../../components/loading.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { usePoll } from '../../hooks/use-poll.ts';
import { sortedBatches, useBatches } from '../../store/batches.ts';
import { useNavigation } from '../../store/navigation.ts';
import { BatchList } from './batch-list.tsx';
import { BatchPanel } from './batch-panel.tsx';
import { TaskDrawer } from './task-drawer.tsx';
import { useEvent } from '../../hooks/use-event.ts';
import { useToasts } from '../../store/toasts.ts';

export function BatchesScreen() {
  const [includeArchived, setIncludeArchived] = useState(false);
  const list = useRequest('batches.list', { includeArchived });
  const stale = useStale();
  const { batches, selectedId, taskId, setAll, select, openTask } = useBatches();
  const go = useNavigation((s) => s.go);

  useEffect(() => {
    if (list.data) setAll(list.data);
  }, [list.data, setAll]);
  // Engine-level problems (a paused batch, a stage that failed) as a toast; the batch banner keeps the reason.
  useEvent('engine.error', (e) => {
    useToasts.getState().push('bad', e.message);
    list.reload();
  });

  const all = sortedBatches(batches).filter((b) => includeArchived || !b.archived);
  usePoll(list.reload, 4000, !stale && all.some((b) => b.state === 'running' && !b.id.startsWith('e2e-')));
  const selected = (selectedId && batches[selectedId]) || all[0] || null;

  let body;
  if (list.error && all.length === 0) body = <ErrorState error={list.error} what="Batches" onRetry={list.reload} />;
  else if (list.loading && all.length === 0) body = <Loading />;
  else if (all.length === 0)
    body = (
      <EmptyState
        title="No batches yet"
        action={
          <button className="btn primary" onClick={() => go('new-batch')}>
            Start a new batch
          </button>
        }
      >
        Drop a CSV and reference images on New batch; its tasks appear here and update live.
      </EmptyState>
    );
  else
    body = (
      <div className="split">
        <BatchList batches={all} selectedId={selected?.id ?? null} onSelect={select} />
        {selected ? <BatchPanel batch={selected} onOpenTask={openTask} /> : null}
      </div>
    );

  return (
    <section className="screen screen-fill">
      <ScreenHeader
        title="Batches"
        subtitle="Every batch and its tasks, live."
        actions={
          <label className="check">
            <input type="checkbox" checked={includeArchived} onChange={(e) => setIncludeArchived(e.target.checked)} /> Show archived
          </label>
        }
      />
      {body}
      {taskId ? <TaskDrawer taskId={taskId} onClose={() => openTask(null)} /> : null}
    </section>
  );
}
