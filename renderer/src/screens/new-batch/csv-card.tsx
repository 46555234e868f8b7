import { useState } from 'react';
import { DropZone } from '../../components/drop-zone.tsx';
import { ErrorState } from '../../components/error-state.tsx';
import { call, type RequestError } from '../../api.ts';
import { asRequestError } from '../../hooks/use-request.ts';
import { uploadFile } from '../../hooks/upload-file.ts';
import { useNewBatch } from '../../store/new-batch.ts';
import { CsvReportView } from './csv-report.tsx';

/** Step 1: the CSV. Upload, parse, and show what was found (and every row-level problem). */
export function CsvCard() {
  const { csv, csvName, set } = useNewBatch();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<RequestError | null>(null);

  const onFiles = async (files: File[]): Promise<void> => {
    const file = files[0];
    if (!file) return;
    if (!/\.(csv|tsv|txt)$/i.test(file.name)) {
      setError(asRequestError(new Error(`${file.name} is not a CSV file`)));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const up = await uploadFile(file);
      const report = await call('intake.parseCsv', { uploadId: up.uploadId });
      const s = useNewBatch.getState();
      set({
        csv: report,
        csvName: file.name,
        name: s.name || file.name.replace(/\.[^.]+$/, ''),
        promptColumn: report.suggestedPromptColumn ?? report.columns[0] ?? null,
        mode: report.suggestedPromptColumn ? 'column' : 'template',
        template: s.template || (report.columns.length ? report.columns.map((c) => `{${c}}`).slice(0, 3).join(', ') : ''),
      });
    } catch (err) {
      setError(asRequestError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card" data-testid="csv-card">
      <h2>1 · Asset list (CSV)</h2>
      <DropZone label={csvName ? `Replace ${csvName}` : 'Drop a CSV here'} hint="or click to choose · UTF-8/UTF-16, comma, semicolon or tab" accept=".csv,.tsv,.txt,text/csv" onFiles={(f) => void onFiles(f)} testId="csv-drop" busy={busy} />
      {error ? <ErrorState error={error} what="CSV parsing" compact /> : null}
      {csv ? <CsvReportView report={csv} /> : null}
    </div>
  );
}
