import { useCallback, useState } from 'react';
import { useConfirm } from '../store/confirm.ts';
import { Modal } from './modal.tsx';

/**
 * The one in-app confirmation (mounted once in app.tsx; opened with confirmAction()). For a
 * destructive action the safe button has focus first, so Enter never destroys by accident.
 */
export function ConfirmDialog() {
  const pending = useConfirm((s) => s.pending);
  if (!pending) return null;
  return <ConfirmBody key={pending.title + pending.message} />;
}

function ConfirmBody() {
  const pending = useConfirm((s) => s.pending)!;
  const answer = useConfirm((s) => s.answer);
  const [option, setOption] = useState(pending.option?.initial ?? false);
  const cancel = useCallback(() => answer({ ok: false, option: false }), [answer]);
  const danger = pending.tone !== 'normal';
  return (
    <Modal
      title={pending.title}
      onClose={cancel}
      testId="confirm-dialog"
      footer={
        <>
          <button className="btn" onClick={cancel} autoFocus={danger} data-testid="confirm-cancel">
            Keep it
          </button>
          <button className={danger ? 'btn danger' : 'btn primary'} onClick={() => answer({ ok: true, option })} autoFocus={!danger} data-testid="confirm-ok">
            {pending.confirmLabel}
          </button>
        </>
      }
    >
      <p data-testid="confirm-message">{pending.message}</p>
      {pending.option ? (
        <label className="check">
          <input type="checkbox" checked={option} onChange={(e) => setOption(e.target.checked)} /> {pending.option.label}
        </label>
      ) : null}
    </Modal>
  );
}
