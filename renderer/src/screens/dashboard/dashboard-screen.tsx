import { useMemo } from 'react';
import type { MetricsSnapshot } from '../../../../preload/api.ts';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { AsyncView } from '../../components/async-view.tsx';
import { StatTile } from '../../components/stat-tile.tsx';
import { LineChart } from '../../components/charts/line-chart.tsx';
import { Histogram } from '../../components/charts/histogram.tsx';
import { BarMeter } from '../../components/charts/bar-meter.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { fmtDuration, fmtPercent, fmtUsd } from '../../hooks/format.ts';
import { BatchProgressList } from './batch-progress-list.tsx';
import { AlertList } from './alert-list.tsx';
import { WorkerThroughput } from './worker-throughput.tsx';

/** Live production health: progress, throughput, ETA, errors, scores, GPU time and API cost. */
export function DashboardScreen() {
  const metrics = useRequest('metrics.get', {});
  useEvent('metrics.updated', (m) => metrics.setData(m));
  return (
    <section className="screen">
      <ScreenHeader title="Dashboard" subtitle="Live production metrics across all running batches." />
      <AsyncView state={metrics} what="Metrics">
        {(m) => <DashboardBody m={m} />}
      </AsyncView>
    </section>
  );
}

function DashboardBody({ m }: { m: MetricsSnapshot }) {
  const settings = useRequest('settings.get', {});
  const budget = settings.data?.alerts.costUsd ?? 0;
  const trend = useMemo(() => {
    const x = m.series.map((p) => p.t / (p.t > 1e12 ? 1000 : 1));
    return {
      x,
      throughput: [{ label: 'images/min', values: m.series.map((p) => p.throughput), colour: '#7c9cff' }],
      errors: [{ label: 'error rate', values: m.series.map((p) => p.errorRate), colour: '#ff6b6b' }],
    };
  }, [m.series]);
  return (
    <div className="stack">
      <div className="tiles">
        <StatTile label="Queue" value={m.queueDepth} sub="tasks waiting" />
        <StatTile label="Throughput" value={m.throughputPerMin.toFixed(1)} sub="images / min" tone="active" />
        <StatTile label="ETA" value={fmtDuration(m.etaSeconds)} sub="for queued work" />
        <StatTile label="Pass rate" value={fmtPercent(m.passRate)} sub={`retry ${fmtPercent(m.retryRate)} · review ${fmtPercent(m.dlqRate)}`} tone="ok" />
        <StatTile label="Errors" value={fmtPercent(m.errorRate, 1)} sub="of attempts" tone={m.errorRate > 0.05 ? 'bad' : 'idle'} />
        <StatTile label="API cost" value={fmtUsd(m.apiCostUsd)} sub={`${m.apiTokens.toLocaleString()} tokens`} />
      </div>
      <AlertList alerts={m.alerts} />
      <div className="chart-grid">
        <div className="card">
          <h3>Throughput</h3>
          {trend.x.length ? <LineChart x={trend.x} series={trend.throughput} xTime title="Throughput over time" height={170} /> : <p className="muted chart-empty">No data yet.</p>}
        </div>
        <div className="card">
          <h3>Error-rate trend</h3>
          {trend.x.length ? <LineChart x={trend.x} series={trend.errors} xTime title="Error rate over time" height={170} /> : <p className="muted chart-empty">No data yet.</p>}
        </div>
        <div className="card">
          <h3>Style-score distribution</h3>
          {m.scoreHistogram.counts.some((c) => c > 0) ? <Histogram bins={m.scoreHistogram.bins} counts={m.scoreHistogram.counts} threshold={0.85} title="Style score histogram" /> : <p className="muted chart-empty">No scored images yet.</p>}
        </div>
        <div className="card stack">
          <h3>Resources</h3>
          <BarMeter label="GPU time" value={m.gpuSeconds} max={Math.max(3600, m.gpuSeconds)} text={fmtDuration(m.gpuSeconds)} />
          <BarMeter label={budget > 0 ? `API cost (alert at ${fmtUsd(budget)})` : 'API cost'} value={m.apiCostUsd} max={budget > 0 ? budget : Math.max(1, m.apiCostUsd)} text={fmtUsd(m.apiCostUsd)} tone={budget > 0 && m.apiCostUsd >= budget ? 'bad' : 'active'} />
          <BarMeter label="Pass rate" value={m.passRate} max={1} text={fmtPercent(m.passRate)} tone="ok" />
        </div>
        <WorkerThroughput />
      </div>
      <div className="card">
        <h3>Batches</h3>
        <BatchProgressList />
      </div>
    </div>
  );
}
