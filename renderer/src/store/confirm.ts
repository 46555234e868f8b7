import { create } from 'zustand';

export interface ConfirmRequest {
  title: string;
  /** What will happen, with the count and the scope ("12 items of batch Spring, filtered by …"). */
  message: string;
  confirmLabel: string;
  danger?: boolean;
}

interface ConfirmState {
  pending: (ConfirmRequest & { resolve(ok: boolean): void }) | null;
  ask(req: ConfirmRequest): Promise<boolean>;
  answer(ok: boolean): void;
}

/** One in-app confirmation at a time (ConfirmHost renders it); a second ask cancels the first. */
export const useConfirm = create<ConfirmState>((set, get) => ({
  pending: null,
  ask(req) {
    get().pending?.resolve(false);
    return new Promise<boolean>((resolve) => set({ pending: { ...req, resolve } }));
  },
  answer(ok) {
    const p = get().pending;
    set({ pending: null });
    p?.resolve(ok);
  },
}));

/** Asks before a bulk or destructive action; resolves true only on an explicit confirm. */
export const confirmAction = (req: ConfirmRequest): Promise<boolean> => useConfirm.getState().ask(req);
