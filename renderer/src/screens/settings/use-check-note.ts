import { useState } from 'react';
import { asRequestError } from '../../hooks/use-request.ts';

export interface CheckNote {
  ok: boolean;
  text: string;
}

/**
 * State for a "check a key with a test call" button: busy while it runs, then one sentence next
 * to the field. A thrown error (a refused key the server did not store) becomes a failed note
 * rather than a toast, so the reason stays beside the field the user is fixing.
 */
export function useCheckNote() {
  const [note, setNote] = useState<CheckNote | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<CheckNote | null>): Promise<boolean> => {
    setBusy(true);
    setNote(null);
    try {
      setNote(await fn());
      return true;
    } catch (err) {
      setNote({ ok: false, text: asRequestError(err).message });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { note, busy, run, clear: () => setNote(null) };
}
