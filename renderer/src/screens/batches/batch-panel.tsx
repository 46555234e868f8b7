import { useEffect } from 'react';
import type { BatchSummary } from '../../../../preload/api.ts';
import { ErrorState } from '../../components/error-state.tsx';
import { Loading } from '../../components/loading.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { usePoll } from '../../hooks/use-poll.ts';
import { applyView, useTasks } from '../../store/tasks.ts';
import { BatchControls } from './batch-controls.tsx';
import { BatchAdminActions } from './batch-admin-actions.tsx';
import { useStale } from '../../store/connection.ts';
import { TaskGrid } from './task-grid.tsx';
import { BatchCounts } from './batch-counts.tsx';

/** One batch: controls, counts and the live task grid. */
export function BatchPanel(props: { batch: BatchSummary; onOpenTask(id: string): void }) {
  const id = props.batch.id;
  const synthetic = id.startsWith('e2e-');
  const loaded = useTasks((s) => s.loaded[id] ?? false);
  const ids = useTasks((s) => s.order[id]);
  const tasks = useRequest('batches.tasks', synthetic ? null : { id });
  const stale = useStale();
  usePoll(tasks.reload, 5000, !synthetic && !stale && props.batch.state === 'running');

  // Rows and summary from one snapshot, applied together.
  useEffect(() => {
    if (tasks.data) applyView(tasks.data);
  }, [tasks.data]);

  let grid;
  if (tasks.error && !loaded) grid = <ErrorState error={tasks.error} what="Tasks" onRetry={tasks.reload} />;
  else if (!loaded || !ids) grid = <Loading label="Loading tasks…" />;
  else if (ids.length === 0) grid = <p className="muted">This batch has no tasks.</p>;
  else grid = <TaskGrid ids={ids} onOpen={props.onOpenTask} />;

  return (
    <div className="batch-panel">
      <div className="row-between wrap gap">
        <h2 className="ellipsis">{props.batch.name}</h2>
        <BatchControls batch={props.batch} />
      </div>
      {props.batch.state === 'paused' && props.batch.pauseReason ? (
        // Paused by the engine (a model file is missing, a stage could not be built): the stored reason, until Resume.
        <div className="banner bad" role="alert" data-testid="pause-reason">
          <strong>Paused by the engine.</strong> {props.batch.pauseReason}
        </div>
      ) : null}
      {synthetic ? null : <BatchAdminActions batch={props.batch} />}
      <BatchCounts batch={props.batch} />
      {grid}
    </div>
  );
}
