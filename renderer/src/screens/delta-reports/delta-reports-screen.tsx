import { useState } from 'react';
import type { DeltaReportDto } from '../../../../preload/api.ts';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { AsyncView } from '../../components/async-view.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { DeltaCard } from './delta-card.tsx';

/** Prompts whose pre-flight confidence fell below the threshold, with what is missing and a fix. */
export function DeltaReportsScreen() {
  const [status, setStatus] = useState<'open' | 'all'>('open');
  const [batchId, setBatchId] = useState('');
  const batches = useRequest('batches.list', {});
  const list = useRequest('delta.list', batchId ? { status, batchId } : { status });
  useEvent('delta.updated', () => list.reload());
  const replace = (d: DeltaReportDto): void => {
    if (!list.data) return;
    list.setData(status === 'open' && d.status !== 'open' ? list.data.filter((x) => x.id !== d.id) : list.data.map((x) => (x.id === d.id ? d : x)));
  };
  return (
    <section className="screen">
      <ScreenHeader
        title="Delta reports"
        subtitle="Low-confidence prompts caught before spending GPU time."
        actions={
          <>
            <select className="input" value={batchId} onChange={(e) => setBatchId(e.target.value)} aria-label="Batch">
              <option value="">All batches</option>
              {(batches.data ?? []).map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
            <Segmented<"open" | "all"> name="delta-status" label="Show" value={status} options={['open', 'all'] as const} onChange={setStatus} />
          </>
        }
      />
      <AsyncView
        state={list}
        what="Delta reports"
        isEmpty={(d) => d.length === 0}
        empty={<EmptyState title="No open delta reports">Every prompt checked so far matches the brand style well enough.</EmptyState>}
      >
        {(reports) => (
          <div className="stack">
            {reports.map((r) => (
              <DeltaCard key={r.id} report={r} onResolved={replace} />
            ))}
          </div>
        )}
      </AsyncView>
    </section>
  );
}
