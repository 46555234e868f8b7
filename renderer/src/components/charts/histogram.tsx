/** An SVG bar histogram with a threshold marker (style scores against the 0.85 pass line). */
export function Histogram(props: { bins: number[]; counts: number[]; threshold?: number; title: string; height?: number }) {
  const h = props.height ?? 160;
  const w = 480;
  const max = Math.max(1, ...props.counts);
  const n = props.counts.length;
  const lo = props.bins[0] ?? 0;
  const hi = props.bins[props.bins.length - 1] ?? 1;
  const span = hi - lo || 1;
  const bw = n > 0 ? (w - 40) / n : 0;
  return (
    <svg className="histogram" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.title} preserveAspectRatio="none">
      {props.counts.map((c, i) => {
        const bh = ((h - 30) * c) / max;
        const binStart = props.bins[i] ?? lo + (span * i) / n;
        const pass = props.threshold !== undefined && binStart >= props.threshold;
        return (
          <g key={i}>
            <rect x={30 + i * bw + 1} y={h - 20 - bh} width={Math.max(1, bw - 2)} height={bh} className={pass ? 'bar ok' : 'bar'}>
              <title>{`${binStart.toFixed(2)}: ${c}`}</title>
            </rect>
          </g>
        );
      })}
      <line x1={30} x2={w - 10} y1={h - 20} y2={h - 20} className="axis" />
      <text x={30} y={h - 5} className="tick">{lo.toFixed(1)}</text>
      <text x={w - 30} y={h - 5} className="tick">{hi.toFixed(1)}</text>
      <text x={4} y={14} className="tick">{max}</text>
      {props.threshold !== undefined ? (
        <line x1={30 + ((props.threshold - lo) / span) * (w - 40)} x2={30 + ((props.threshold - lo) / span) * (w - 40)} y1={4} y2={h - 20} className="threshold" />
      ) : null}
    </svg>
  );
}
