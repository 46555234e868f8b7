import type { PaletteColour } from '../../../../preload/api.ts';
import { fmtPercent } from '../../hooks/format.ts';

/** Palette swatches with names and weights (the bar under each swatch is its share). */
export function Palette(props: { colours: PaletteColour[] }) {
  if (props.colours.length === 0) return <p className="muted">No palette extracted.</p>;
  return (
    <ul className="palette">
      {props.colours.map((c) => (
        <li key={c.hex}>
          <span className="swatch" style={{ background: c.hex }} />
          <span className="small">{c.name}</span>
          <span className="small muted mono">{c.hex}</span>
          <span className="weight">
            <span style={{ width: fmtPercent(c.weight, 1) }} />
          </span>
          <span className="small num">{fmtPercent(c.weight, 1)}</span>
        </li>
      ))}
    </ul>
  );
}
