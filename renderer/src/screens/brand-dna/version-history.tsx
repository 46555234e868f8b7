import type { ProfileVersionChange } from '../../../../preload/api.ts';
import { fmtDate } from '../../hooks/format.ts';

const REASON: Record<string, string> = {
  created: 'Created from references',
  edit: 'Edited by hand',
  reanalyse: 'Re-analysed',
  'add-reference': 'Reference added from the library',
};

/** Each version against the one before: palette colours in and out, parameter centres that moved. Newest first. */
export function VersionHistory(props: { history: ProfileVersionChange[]; onOpen(version: number): void }) {
  return (
    <ol className="version-history" data-testid="version-history">
      {[...props.history].reverse().map((h) => (
        <li key={h.version}>
          <div className="row-between">
            <button className="btn ghost small" onClick={() => props.onOpen(h.version)} aria-label={`v${h.version}: open this version`}>
              v{h.version}
            </button>
            <span className="small muted">
              {REASON[h.reason] ?? h.reason} · {h.refCount} reference(s) · {fmtDate(h.createdAt)}
            </span>
          </div>
          {h.paletteAdded.length || h.paletteRemoved.length ? (
            <p className="small">
              Palette:{' '}
              {h.paletteAdded.map((c) => (
                <span key={`+${c}`} title={`added ${c}`}>
                  +<span className="swatch" style={{ background: c }} />{' '}
                </span>
              ))}
              {h.paletteRemoved.map((c) => (
                <span key={`-${c}`} title={`removed ${c}`}>
                  −<span className="swatch" style={{ background: c }} />{' '}
                </span>
              ))}
            </p>
          ) : null}
          {h.params.length ? (
            <p className="small num">
              {h.params.map((c) => `${c.label} ${c.from.toFixed(3)} → ${c.to.toFixed(3)}`).join(' · ')}
            </p>
          ) : h.version > 1 ? (
            <p className="small muted">No parameter moved.</p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
