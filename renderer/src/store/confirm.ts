import { create } from 'zustand';

/** What an in-app confirmation says: the action, how many things and which (count and scope). */
export interface ConfirmRequest {
  title: string;
  /** One or two sentences stating the count and the scope, e.g. "Cancel 12 unfinished rows of “Hats”?". */
  message: string;
  confirmLabel: string;
  /** danger: destructive (red button, Cancel focused first); normal: a plain confirmation. */
  tone?: 'danger' | 'normal';
  /** An optional checkbox (e.g. "also delete its 40 library assets"); its value is returned. */
  option?: { label: string; initial: boolean };
}

export interface ConfirmAnswer { ok: boolean; option: boolean }

interface ConfirmState {
  pending: (ConfirmRequest & { resolve(a: ConfirmAnswer): void }) | null;
  answer(a: ConfirmAnswer): void;
}

export const useConfirm = create<ConfirmState>((set, get) => ({
  pending: null,
  answer(a) {
    get().pending?.resolve(a);
    set({ pending: null });
  },
}));

/**
 * Asks the user in an in-app dialog (never window.confirm: it blocks the page, cannot say the
 * scope clearly and is invisible to the e2e tests). Resolves when they answer; a second
 * request while one is open answers the first with "no".
 */
export function confirmAction(req: ConfirmRequest): Promise<ConfirmAnswer> {
  return new Promise((resolve) => {
    useConfirm.getState().pending?.resolve({ ok: false, option: false });
    useConfirm.setState({ pending: { ...req, resolve } });
  });
}
