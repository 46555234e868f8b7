import { fmtScore } from '../hooks/format.ts';

/** A score with pass/fail colour against its threshold (higher is better unless `lowerIsBetter`). */
export function ScoreChip(props: { label: string; value: number | null | undefined; threshold?: number; lowerIsBetter?: boolean; digits?: number }) {
  const v = props.value;
  let tone = 'idle';
  if (v !== null && v !== undefined && props.threshold !== undefined) {
    const ok = props.lowerIsBetter ? v <= props.threshold : v >= props.threshold;
    tone = ok ? 'ok' : 'bad';
  }
  const text = v === null || v === undefined ? '—' : props.digits !== undefined ? v.toFixed(props.digits) : fmtScore(v);
  return (
    <span className={`score-chip tone-${tone}`}>
      <span className="label">{props.label}</span>
      <span className="num">{text}</span>
    </span>
  );
}
