import { useEffect } from 'react';

/**
 * Re-runs `reload` every `ms` while `active` (and the tab is visible). A safety net beside the
 * pushed events: if an event is missed (socket reconnect), the screen still converges.
 */
export function usePoll(reload: () => void, ms: number, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, ms);
    return () => clearInterval(t);
  }, [reload, ms, active]);
}
