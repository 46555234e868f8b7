import type { Alert } from '../../../../preload/api.ts';
import { fmtDate } from '../../hooks/format.ts';

/** Active alerts (cost over budget, error spikes, pass-rate drops). */
export function AlertList(props: { alerts: Alert[] }) {
  if (props.alerts.length === 0) return <p className="ok-text small" role="status">No active alerts.</p>;
  return (
    <ul className="alerts" aria-label="Alerts">
      {props.alerts.map((a) => (
        <li key={a.id} className={`alert tone-${a.level === 'critical' ? 'bad' : 'warn'}`}>
          <strong>{a.level}</strong> {a.message} <span className="muted small">{fmtDate(a.at)}</span>
        </li>
      ))}
    </ul>
  );
}
