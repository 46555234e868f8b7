import { create } from 'zustand';
import { asRequestError } from '../hooks/use-request.ts';

export interface Toast { id: number; tone: 'ok' | 'bad' | 'info'; text: string }

interface ToastState {
  toasts: Toast[];
  push(tone: Toast['tone'], text: string): void;
  dismiss(id: number): void;
}

let nextId = 1;

/** Short-lived notices for the outcome of actions (pause, approve, export…). */
export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push(tone, text) {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-3), { id, tone, text }] });
    setTimeout(() => get().dismiss(id), tone === 'bad' ? 8000 : 4000);
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
    const e = asRequestError(err);
    useToasts.getState().push('bad', `${what} failed — ${e.message}`);
    return null;
  }
}
