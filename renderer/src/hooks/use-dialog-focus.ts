import { useEffect, useRef } from 'react';

/** Open dialogs, innermost last: only the innermost one answers Escape and Tab. */
const open: object[] = [];

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * What every dialog does: focus moves into it on open (to a `data-autofocus` element when there
 * is one) and back to where it was on close, Tab and Shift+Tab cycle inside it (focus cannot
 * leave an open dialog), and Escape closes it. Returns the ref for the dialog's container.
 */
export function useDialogFocus<T extends HTMLElement>(onClose: () => void) {
  const ref = useRef<T>(null);
  // The latest onClose without re-running the effect: callers often pass an inline arrow, and
  // re-running would bounce focus out of the dialog and back on every render.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const root = ref.current;
    const token = {};
    open.push(token);
    (root?.querySelector<HTMLElement>('[data-autofocus]') ?? root)?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (open[open.length - 1] !== token) return;
      if (e.key === 'Escape') {
        close.current();
        return;
      }
      if (e.key !== 'Tab' || !root) return;
      const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
      if (items.length === 0) {
        e.preventDefault();
        root.focus();
        return;
      }
      const first = items[0]!;
      const last = items[items.length - 1]!;
      const active = document.activeElement;
      if (e.shiftKey && (active === first || !root.contains(active))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (active === last || !root.contains(active))) {
        e.preventDefault();
        first.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      open.splice(open.indexOf(token), 1);
      before?.focus?.();
    };
  }, []);
  return ref;
}
