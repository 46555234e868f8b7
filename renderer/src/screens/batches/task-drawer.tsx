import { Drawer } from '../../components/drawer.tsx';
import { AsyncView } from '../../components/async-view.tsx';
import { statusTone } from '../../components/task-status.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { useTasks } from '../../store/tasks.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { fmtScore } from '../../hooks/format.ts';
import { AttemptCard } from './attempt-card.tsx';
import { StepPreview } from './step-preview.tsx';

/** Everything about one task: live preview while generating, then every attempt. */
export function TaskDrawer(props: { taskId: string; onClose(): void }) {
  const synthetic = props.taskId.startsWith('e2e-');
  const detail = useRequest('tasks.get', synthetic ? null : { id: props.taskId });
  const summary = useTasks((s) => s.byId[props.taskId]);
  const progress = useTasks((s) => s.progress[props.taskId]);
  // Reload the detail when this task changes state (a new attempt finished).
  useEvent('task.updated', (t) => {
    if (t.id === props.taskId && t.state !== detail.data?.state) detail.reload();
  });
  return (
    <Drawer title={summary?.name ?? 'Task'} onClose={props.onClose} wide>
      {summary ? (
        <div className="row gap wrap">
          <span className={`badge tone-${statusTone(summary.status)}`} title={`ledger state: ${summary.state}`}>
            {summary.statusLabel}
          </span>
          <span className="muted num">row {summary.row} · {summary.attempts} attempt(s) · score {fmtScore(summary.styleScore)}</span>
          {summary.held ? (
            <>
              <button className="btn small primary" onClick={() => void attempt('Release', () => call('tasks.release', { ids: [props.taskId], action: 'release' }), () => 'Released for generation')}>
                Release
              </button>
              <button className="btn small danger" onClick={() => void attempt('Drop', () => call('tasks.release', { ids: [props.taskId], action: 'drop' }), () => 'Dropped')}>
                Drop
              </button>
            </>
          ) : null}
          <button
            className="btn small"
            onClick={() => void attempt('Prioritise', () => call('tasks.setPriority', { ids: [props.taskId], priority: 100 }), () => 'Moved to the front of the queue')}
          >
            Run next
          </button>
        </div>
      ) : null}
      {progress && summary?.state === 'generating' ? <StepPreview progress={progress} /> : null}
      {synthetic ? (
        <p className="muted">Synthetic task (load test): no details on the server.</p>
      ) : (
        <AsyncView state={detail} what="Task details">
          {(d) => (
            <>
              <h3>Prompt</h3>
              <p className="prompt">{d.prompt}</p>
              {d.negativePrompt ? <p className="muted small">Negative: {d.negativePrompt}</p> : null}
              <p className="muted small num">Pre-flight confidence {fmtScore(d.preflightConfidence)}</p>
              <h3>Attempts</h3>
              {d.attemptsList.length === 0 ? <p className="muted">No attempts yet.</p> : d.attemptsList.map((a) => <AttemptCard key={a.n} attempt={a} />)}
            </>
          )}
        </AsyncView>
      )}
    </Drawer>
  );
}
