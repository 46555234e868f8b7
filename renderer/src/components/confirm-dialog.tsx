import { useCallback } from 'react';
import { useConfirm } from '../store/confirm.ts';
import { Modal } from './modal.tsx';

/**
 * The app's confirmation for bulk and destructive actions: states what will happen (count and
 * scope), focus starts on Cancel (Enter never confirms by accident) and is trapped in the dialog.
 */
export function ConfirmHost() {
  const pending = useConfirm((s) => s.pending);
  const answer = useConfirm((s) => s.answer);
  const cancel = useCallback(() => answer(false), [answer]);
  if (!pending) return null;
  return (
    <Modal
      title={pending.title}
      onClose={cancel}
      footer={
        <>
          <button className="btn ghost" onClick={cancel} data-autofocus data-testid="confirm-cancel">
            Cancel
          </button>
          <button className={pending.danger ? 'btn danger' : 'btn primary'} onClick={() => answer(true)} data-testid="confirm-ok">
            {pending.confirmLabel}
          </button>
        </>
      }
    >
      <p data-testid="confirm-message">{pending.message}</p>
    </Modal>
  );
}
