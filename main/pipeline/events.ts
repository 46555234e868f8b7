import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { StateCounts } from './ledger/batches.ts';
import type { BatchCounts } from '../../preload/api.ts';
import type { BatchState, TaskState } from './types.ts';

/** Everything the engine pushes; the lead maps these names 1:1 onto the IPC/WebSocket contract. */
export interface PipelineEvents {
  'task-state': TaskStateEvent;
  'task-progress': TaskProgressEvent;
  'batch-state': BatchStateEvent;
  'batch-progress': BatchProgressEvent;
  alert: PipelineAlert;
  /** Engine-level problems that are not a task's fault (a stage could not be built, a listener threw). */
  'engine-error': EngineErrorEvent;
}

/**
 * `fault` is set for an environment fault (disk full, read-only folder, permission): nothing
 * can progress until the user fixes the machine, so a headless run stops on it instead of
 * retrying forever, and the app shows the sentence (it names the folder and the fix).
 */
export interface EngineErrorEvent { message: string; kind: string; batchId?: string; fault?: string; at: number }

export type PipelineEventName = keyof PipelineEvents;

export interface TaskStateEvent {
  batchId: string;
  taskId: string;
  rowIndex: number;
  from: TaskState | null;
  to: TaskState;
  /** Attempt number this change belongs to, when one is running or just ended. */
  attempt?: number;
  styleScore?: number;
  /** Human reason for failures, retries, DLQ and control actions. */
  reason?: string;
  at: number;
}

export interface TaskProgressEvent {
  batchId: string;
  taskId: string;
  rowIndex: number;
  attempt: number;
  step: number;
  steps: number;
  preview?: RgbImage;
  at: number;
}

export interface BatchStateEvent {
  batchId: string;
  from: BatchState | null;
  to: BatchState;
  reason?: string;
  at: number;
}

export interface BatchProgressEvent {
  batchId: string;
  total: number;
  counts: StateCounts;
  /** Rows by status as people read them (status-counts.ts): what `assetql run` prints. */
  statuses: BatchCounts;
  held: number;
  /** Tasks in a final state (ready, dlq, rejected, dropped, cancelled). */
  done: number;
  queueDepth: number;
  inFlight: number;
  ratePerMin: number;
  etaMs: number | null;
  gpuSeconds: number;
  at: number;
}

export type AlertKind = 'error-rate' | 'dlq' | 'queue-depth' | 'cost';

export interface PipelineAlert {
  kind: AlertKind;
  /** null for global alerts. */
  batchId: string | null;
  value: number;
  threshold: number;
  message: string;
  at: number;
}
