import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface LineSeries { label: string; values: (number | null)[]; colour: string; scale?: string }

/**
 * A uPlot line chart that follows its container's width. The plot is created once per series
 * layout and updated in place with setData, so live metrics do not rebuild the canvas.
 */
export function LineChart(props: { x: number[]; series: LineSeries[]; height?: number; title: string; xTime?: boolean; yRange?: [number, number]; points?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const layout = props.series.map((s) => `${s.label}:${s.colour}:${s.scale ?? 'y'}`).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisStyle = { stroke: '#9aa3b2', grid: { stroke: '#2c313b', width: 1 }, ticks: { stroke: '#2c313b', width: 1 } };
    const scales: uPlot.Scales = { x: { time: props.xTime ?? false } };
    if (props.yRange) scales.y = { range: props.yRange };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: props.height ?? 180,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales,
      axes: [axisStyle, axisStyle],
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.colour, width: 2, scale: s.scale ?? 'y', points: { show: props.points ?? false, size: 8 } }))],
    };
    const u = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: props.height ?? 180 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [layout, props.height, props.points]);

  useEffect(() => {
    plot.current?.setData([props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData);
  }, [props.x, props.series]);

  return <div className="chart" ref={box} role="img" aria-label={props.title} />;
}
