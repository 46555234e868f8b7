import { useEffect } from 'react';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useNewBatch } from '../../store/new-batch.ts';
import { CsvCard } from './csv-card.tsx';
import { RefsCard } from './refs-card.tsx';
import { MappingCard } from './mapping-card.tsx';
import { PreviewCard } from './preview-card.tsx';
import { ConfigCard } from './config-card.tsx';
import { StartBar } from './start-bar.tsx';
import { FirstRun } from './first-run.tsx';

/** CSV + references in; a plan, a live prompt preview and a configuration out; Start. */
export function NewBatchScreen() {
  const settings = useRequest('settings.get', {});
  const applySettings = useNewBatch((s) => s.applySettings);
  useEffect(() => {
    if (settings.data) applySettings(settings.data);
  }, [settings.data, applySettings]);
  return (
    <section className="screen">
      <ScreenHeader title="New batch" subtitle="Drop a CSV (one row per asset) and 1–5 style references, check the prompts, then start." />
      <FirstRun />
      <div className="new-batch-grid">
        <div className="nb-main">
          <div className="nb-pair">
            <CsvCard />
            <RefsCard />
          </div>
          <PreviewCard />
        </div>
        <MappingCard />
      </div>
      <ConfigCard />
      <StartBar />
    </section>
  );
}
