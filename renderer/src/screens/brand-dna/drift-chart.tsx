import { useMemo } from 'react';
import type { ProfileDetail } from '../../../../preload/api.ts';
import { LineChart } from '../../components/charts/line-chart.tsx';
import { fmtPercent, fmtScore } from '../../hooks/format.ts';

/** Mean style score and pass rate per batch made with this profile, oldest first. */
export function DriftChart(props: { drift: ProfileDetail['drift'] }) {
  const data = useMemo(() => {
    const d = [...props.drift].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return {
      x: d.map((_, i) => i + 1),
      series: [
        { label: 'mean style score', values: d.map((b) => b.meanStyleScore), colour: '#7c9cff' },
        { label: 'pass rate', values: d.map((b) => b.passRate), colour: '#3ecf8e' },
      ],
    };
  }, [props.drift]);
  if (props.drift.length === 0) return <p className="muted">No batches have used this profile yet.</p>;
  // One batch is one point, not a line: draw points and say what drift needs.
  const one = props.drift.length === 1 ? props.drift[0] : null;
  return (
    <figure className="drift" data-testid="drift-chart">
      <LineChart x={data.x} series={data.series} title="Style score drift across batches" yRange={[0, 1]} height={160} points={props.drift.length <= 3} />
      <figcaption className="muted small">
        {one
          ? `One batch so far (${one.batchName}): mean style score ${fmtScore(one.meanStyleScore)}, pass rate ${fmtPercent(one.passRate)}. Drift shows once a second batch uses this profile.`
          : `${props.drift.length} batches, oldest first (x = batch number).`}
      </figcaption>
    </figure>
  );
}
