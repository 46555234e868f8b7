import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { confirmAction } from '../../store/confirm.ts';

/** The Deleted view's header action: purge every deleted asset now (confirmed; no undo exists). */
export function DeletedActions(props: { count: number; onPurged(): void }) {
  const purgeAll = async (): Promise<void> => {
    const ok = await confirmAction({
      title: 'Purge every deleted asset?',
      message: `Remove all ${props.count} deleted asset(s), their files and their versions for good. This cannot be undone.`,
      confirmLabel: `Purge ${props.count}`,
      danger: true,
    });
    if (!ok) return;
    if ((await attempt('Purge', () => call('library.purge', {}), (r) => `Purged ${r.purged} asset version(s)`)) !== null) props.onPurged();
  };
  return (
    <button className="btn danger" disabled={props.count === 0} onClick={() => void purgeAll()}>
      Purge all deleted…
    </button>
  );
}
