import type { TaskStatus } from '../../../preload/api.ts';

/**
 * Colour per status, for tiles, counter cards and the progress bar. Only the colour is decided
 * here: which status a row is in, its label and the counts come from the engine (TaskSummary,
 * BatchCounts), so the screen cannot file a row differently from the counters.
 */
const TONE: Record<TaskStatus, string> = {
  waiting: 'idle',
  held: 'warn',
  working: 'active',
  ready: 'ok',
  review: 'warn',
  rejected: 'bad',
  dropped: 'idle',
  cancelled: 'idle',
};

export function statusTone(status: TaskStatus): string {
  return TONE[status];
}
