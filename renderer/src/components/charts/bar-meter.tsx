/** A horizontal meter with a label and a value (GPU seconds vs. wall time, cost vs. budget). */
export function BarMeter(props: { label: string; value: number; max: number; text: string; tone?: string }) {
  const pct = props.max > 0 ? Math.min(100, (props.value / props.max) * 100) : 0;
  return (
    <div className="bar-meter">
      <div className="bar-meter-head">
        <span>{props.label}</span>
        <span className="num">{props.text}</span>
      </div>
      <div className="bar-meter-track">
        <span className={`bar-meter-fill tone-${props.tone ?? 'active'}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
