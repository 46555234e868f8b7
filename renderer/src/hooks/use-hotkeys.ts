import { useEffect, useRef } from 'react';

export type HotkeyMap = Record<string, (e: KeyboardEvent) => void>;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Single-key shortcuts for a screen (j/k/a/r...). Keys are KeyboardEvent.key values, with a
 * "shift+" prefix for shifted letters (e.g. "shift+A"). Ignored while typing in a field and
 * when a modifier other than Shift is held, so Alt+digit navigation and browser keys still work.
 */
export function useHotkeys(map: HotkeyMap, enabled = true): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      // A modal dialog (confirmation, export…) owns the keyboard: no screen action behind it.
      if (document.querySelector('[aria-modal="true"]')) return;
      const name = e.shiftKey && e.key.length === 1 ? `shift+${e.key.toUpperCase()}` : e.key;
      const fn = ref.current[name];
      if (fn) {
        e.preventDefault();
        fn(e);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
