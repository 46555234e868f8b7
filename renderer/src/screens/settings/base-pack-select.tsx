import type { PackInfo } from '../../../../preload/api.ts';

/** The SDXL pack a new pack is built on (checkpoint import, IP-Adapter install): one select for both forms. */
export function BasePackSelect({ bases, value, onChange, label }: { bases: PackInfo[]; value: string; onChange: (id: string) => void; label: string }) {
  return (
    <select className="input" value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
      {bases.length === 0 ? <option value="">No SDXL pack installed</option> : null}
      {bases.map((p) => (
        <option key={p.id} value={p.id}>
          on {p.name}
        </option>
      ))}
    </select>
  );
}
