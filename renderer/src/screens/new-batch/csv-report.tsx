import type { CsvReport } from '../../../../preload/api.ts';

/** What the parser found: size, encoding, columns, and a table of row-level errors. */
export function CsvReportView(props: { report: CsvReport }) {
  const r = props.report;
  const issues = [...r.errors.map((e) => ({ ...e, level: 'error' })), ...r.warnings.map((w) => ({ ...w, level: 'warning' }))];
  return (
    <div className="csv-report" data-testid="csv-report">
      <p className="num">
        <strong>{r.rowCount}</strong> rows · {r.columns.length} columns · {r.encoding} · delimiter <code>{r.delimiter === '\t' ? 'TAB' : r.delimiter}</code>
      </p>
      <div className="chips">
        {r.columns.map((c) => (
          <span key={c} className={c === r.suggestedPromptColumn ? 'chip accent' : 'chip'}>
            {c}
          </span>
        ))}
      </div>
      {r.duplicates.length > 0 ? (
        <p className="warn-text small">
          {r.duplicates.length} duplicate row(s): {r.duplicates.slice(0, 5).map((d) => `row ${d.row} = row ${d.duplicateOf}`).join(', ')}
        </p>
      ) : null}
      {issues.length === 0 ? (
        <p className="ok-text small">No problems found.</p>
      ) : (
        <div className="table-wrap short">
          <table className="table" aria-label="CSV problems">
            <thead>
              <tr>
                <th>Row</th>
                <th>Column</th>
                <th>Problem</th>
              </tr>
            </thead>
            <tbody>
              {issues.slice(0, 200).map((i, n) => (
                <tr key={n} className={i.level === 'error' ? 'bad-text' : 'warn-text'}>
                  <td className="num">{i.row ?? '—'}</td>
                  <td>{i.column ?? '—'}</td>
                  <td>
                    {i.message}
                    {i.value ? <span className="mono muted"> “{i.value}”</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
