import type { Redis } from 'ioredis';
import { cancelKey, KEY_PREFIX } from './job-types.ts';

/** Pub/sub channel on which the coordinator tells workers to stop a job they hold (paused or cancelled batch). */
export const CANCEL_CHANNEL = `${KEY_PREFIX}:cancel`;
/** How often a job in progress re-reads its cancel key: the safety net for a message missed while reconnecting. */
export const CANCEL_RECHECK_MS = 1000;

/**
 * Stops a job a worker holds (BullMQ refuses to remove a locked job). The key is the durable
 * record a worker re-reads now and then; the message reaches the holding worker at once, and
 * it aborts the job through BullMQ's own per-job cancel (the processor's AbortSignal).
 */
export async function cancelRunningJob(redis: Redis, queue: string, jobId: string): Promise<void> {
  await redis.multi().set(cancelKey(queue, jobId), '1', 'EX', 600).publish(CANCEL_CHANNEL, JSON.stringify({ queue, jobId })).exec();
}

/** Published when the coordinator registers a new pack-variant queue: workers look at once instead of at their next scan. */
export const QUEUES_CHANNEL = `${KEY_PREFIX}:queues-changed`;

export async function announceQueue(redis: Redis, name: string): Promise<void> {
  await redis.publish(QUEUES_CHANNEL, name);
}

/** A worker's subscription: one extra connection (subscribers cannot issue other commands). Returns the close. */
export function subscribeControl(redis: Redis, on: { cancel: (queue: string, jobId: string) => void; queues: () => void }): () => void {
  const sub = redis.duplicate();
  sub.on('error', () => undefined);
  sub.on('message', (channel: string, raw: string) => {
    if (channel === QUEUES_CHANNEL) return on.queues();
    if (channel !== CANCEL_CHANNEL) return;
    try {
      const m = JSON.parse(raw) as { queue?: unknown; jobId?: unknown };
      if (typeof m.queue === 'string' && typeof m.jobId === 'string') on.cancel(m.queue, m.jobId);
    } catch {
      // not ours
    }
  });
  // ioredis re-subscribes by itself after a reconnect.
  void sub.subscribe(CANCEL_CHANNEL, QUEUES_CHANNEL).catch(() => undefined);
  return () => sub.disconnect();
}
