/**
 * Errors cross every boundary (worker, IPC, WebSocket, CLI) as plain data with a kind, so
 * callers can decide what to retry or how to explain it without parsing messages.
 */
import { classifyEnvironmentFault, environmentMessage, faultFolder } from './environment-fault.ts';

export const ERROR_KINDS = [
  'BadInput',
  'NotFound',
  'Conflict',
  'ModelMissing',
  'OutOfMemory',
  'Inference',
  'Cancelled',
  'Timeout',
  'Network',
  'Unavailable',
  'Internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorData {
  kind: ErrorKind;
  message: string;
  /** Optional structured detail, e.g. { row: 17, column: 'size' } or { file: '/x.png' }. */
  detail?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly detail: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = `AppError(${kind})`;
    this.kind = kind;
    this.detail = detail;
  }

  toData(): ErrorData {
    return this.detail ? { kind: this.kind, message: this.message, detail: this.detail } : { kind: this.kind, message: this.message };
  }
}

/**
 * Turns anything thrown into ErrorData; environment faults (disk full, read-only, permission,
 * path too long) become Unavailable with one sentence naming the folder and the fix; other
 * unknown errors become Internal with their message.
 */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof AppError) return err.toData();
  const fault = classifyEnvironmentFault(err);
  if (fault) {
    const path = (err as { path?: unknown }).path;
    const folder = faultFolder(err);
    return { kind: 'Unavailable', message: environmentMessage(fault, folder, typeof path === 'string' ? path : undefined), detail: { fault, folder } };
  }
  if (err && typeof err === 'object' && 'kind' in err && 'message' in err) {
    const e = err as { kind: unknown; message: unknown; detail?: unknown };
    if (typeof e.kind === 'string' && (ERROR_KINDS as readonly string[]).includes(e.kind)) {
      return { kind: e.kind as ErrorKind, message: String(e.message), ...(isRecord(e.detail) ? { detail: e.detail } : {}) };
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'Internal', message };
}

export function fromErrorData(data: ErrorData): AppError {
  return new AppError(data.kind, data.message, data.detail);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Exhaustiveness helper for switches over unions. */
export function assertNever(x: never): never {
  throw new AppError('Internal', `unexpected value: ${JSON.stringify(x)}`);
}
