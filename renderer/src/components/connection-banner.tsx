import { useConnection } from '../store/connection.ts';

/**
 * "Connection lost — reconnecting" while the browser UI cannot reach the server. Announced
 * assertively (role=alert) once; figures on screens read as last known meanwhile.
 */
export function ConnectionBanner() {
  const { state, held } = useConnection();
  if (state !== 'lost') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-lost">
      <strong>Connection lost — reconnecting…</strong>
      <span>
        What you see is the last known state.
        {held > 0 ? ` ${held} action(s) wait for the connection and are sent when it is back (or reported failed after 15 s).` : ''}
      </span>
    </div>
  );
}
