/** Generation parameters as a compact key/value list. */
export function ParamsTable(props: { params: Record<string, unknown> }) {
  const entries = Object.entries(props.params);
  if (entries.length === 0) return null;
  return (
    <dl className="params">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className="mono">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
