import { create } from 'zustand';
import { asRequestError } from '../hooks/use-request.ts';

export interface ToastAction { label: string; run(): void | Promise<void> }
export interface Toast { id: number; tone: 'ok' | 'bad' | 'info'; text: string; action?: ToastAction }

interface ToastState {
  toasts: Toast[];
  push(tone: Toast['tone'], text: string, action?: ToastAction): number;
  dismiss(id: number): void;
}

let nextId = 1;

/** How long a single action can be undone from its toast. */
export const UNDO_MS = 6000;

/** Short-lived notices for the outcome of actions (pause, approve, export…), some with an Undo. */
export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(tone, text, action) {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-3), { id, tone, text, ...(action ? { action } : {}) }] });
    setTimeout(() => get().dismiss(id), action ? UNDO_MS : tone === 'bad' ? 8000 : 4000);
    return id;
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

/** Runs an action and reports its failure as a toast (never console.error: errors are data). */
export async function attempt<T>(what: string, fn: () => Promise<T>, okText?: (v: T) => string): Promise<T | null> {
  try {
    const v = await fn();
    if (okText) useToasts.getState().push('ok', okText(v));
    return v;
  } catch (err) {
    useToasts.getState().push('bad', failureText(what, err));
    return null;
  }
}

function failureText(what: string, err: unknown): string {
  const e = asRequestError(err);
  return `${what} failed — ${e.kind === 'Unavailable' ? 'not available in this build yet' : e.message}`;
}

/**
 * A single action whose outcome toast offers Undo for UNDO_MS: `undo` reverses it on the
 * server (undelete, restore, review undo); `onUndone` lets the screen put its state back.
 */
export async function undoable<T>(what: string, fn: () => Promise<T>, text: (v: T) => string, undo: (v: T) => Promise<unknown>, onUndone?: () => void): Promise<T | null> {
  const v = await attempt(what, fn);
  if (v === null) return null;
  const toasts = useToasts.getState();
  const id = toasts.push('ok', text(v), {
    label: 'Undo',
    async run() {
      useToasts.getState().dismiss(id);
      const r = await attempt(`Undo ${what.toLowerCase()}`, () => undo(v), () => `Undone: ${what.toLowerCase()}`);
      if (r !== null) onUndone?.();
    },
  });
  return v;
}
