import { useEffect, useRef, useState } from 'react';
import type { EventPayloads } from '../../../../preload/api.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { fmtBytes, fmtDuration } from '../../hooks/format.ts';

type Progress = EventPayloads['weights.progress'];

/**
 * While a checkpoint import or IP-Adapter install runs (minutes for a real SDXL UNet): the weight
 * bytes written so far, then the smoke generation, with the time since it started (a ticking
 * clock, so a long smoke test never looks stuck).
 */
export function WeightsProgress({ op, file }: { op: Progress['op']; file: string }) {
  const [p, setP] = useState<Progress | null>(null);
  const started = useRef(Date.now());
  const [now, setNow] = useState(() => Date.now());
  useEvent('weights.progress', (x) => {
    if (x.op === op && x.file === file) setP(x);
  });
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const text =
    p?.stage === 'smoke'
      ? `${fmtBytes(p.bytes)} of weights written; smoke generation on the CPU (nothing is installed unless it passes)…`
      : p
        ? `Writing weights: ${fmtBytes(p.bytes)} so far…`
        : 'Reading the file and the base pack…';
  return (
    <div className="small muted" role="status" data-testid={`${op}-progress`}>
      {text} {fmtDuration((now - started.current) / 1000)}
    </div>
  );
}
