import { useMemo } from 'react';
import type { ProfileDetail } from '../../../../preload/api.ts';
import { LineChart } from '../../components/charts/line-chart.tsx';

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
  return <LineChart x={data.x} series={data.series} title="Style score drift across batches" yRange={[0, 1]} height={160} />;
}
