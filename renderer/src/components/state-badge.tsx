import type { TaskState, BatchState } from '../../../preload/api.ts';

/** Colour family per state, shared by badges and grid cells so a colour always means the same thing. */
export function stateTone(state: TaskState | BatchState | string): string {
  switch (state) {
    case 'ready':
    case 'passed':
    case 'approved':
    case 'done':
      return 'ok';
    case 'generating':
    case 'validating':
    case 'tagging':
    case 'preflight':
    case 'running':
      return 'active';
    case 'retry':
    case 'held':
    case 'dlq':
    case 'paused':
      return 'warn';
    case 'failed':
    case 'rejected':
    case 'dropped':
      return 'bad';
    default:
      return 'idle';
  }
}

export function StateBadge(props: { state: string }) {
  return <span className={`badge tone-${stateTone(props.state)}`}>{props.state}</span>;
}
