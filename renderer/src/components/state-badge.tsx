import type { BatchState } from '../../../preload/api.ts';

/**
 * Colour of a BATCH state badge (running, paused, …). Task rows are coloured by their status
 * (task-status.ts), which the engine assigns, never by their raw ledger state.
 */
export function stateTone(state: BatchState | `${BatchState}?`): string {
  // A last-known state ("running?", link down) stays grey: it claims nothing.
  switch (state) {
    case 'done':
      return 'ok';
    case 'running':
      return 'active';
    case 'paused':
      return 'warn';
    default:
      return 'idle';
  }
}

export function StateBadge(props: { state: BatchState | `${BatchState}?` }) {
  return <span className={`badge tone-${stateTone(props.state)}`}>{props.state}</span>;
}
