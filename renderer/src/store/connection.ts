import { create } from 'zustand';

/**
 * The browser UI's link to the server. 'lost' shows the "connection lost — reconnecting"
 * banner and makes live figures (state, ETA) read as last known; `epoch` counts reconnects so
 * data views reload once the link is back.
 */
export type LinkState = 'connecting' | 'open' | 'lost';

interface ConnectionState {
  state: LinkState;
  epoch: number;
  /** Requests held while the link is down (sent on reconnect unless they expire first). */
  held: number;
  set(state: LinkState, held: number): void;
}

export const useConnection = create<ConnectionState>((set, get) => ({
  state: 'connecting',
  epoch: 0,
  held: 0,
  set(state, held) {
    const prev = get().state;
    // A reconnect (lost → open) starts a new epoch: views reload what they show.
    set({ state, held, epoch: prev === 'lost' && state === 'open' ? get().epoch + 1 : get().epoch });
  },
}));

/** True when the figures on screen may be out of date (the link is down). */
export function useStale(): boolean {
  return useConnection((s) => s.state === 'lost');
}
