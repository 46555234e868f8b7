import { useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AssetSummary } from '../../../../preload/api.ts';
import { useLibrary } from '../../store/library.ts';
import { fmtScore } from '../../hooks/format.ts';

const TILE = 168;
const GAP = 8;

/** Virtualised thumbnail grid; click focuses, Ctrl/⌘/Shift-click adds to the selection. */
export function AssetGrid(props: { items: AssetSummary[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [cols, setCols] = useState(4);
  const [tile, setTile] = useState(TILE);
  const { selected, focusId, toggle } = useLibrary();
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = (): void => {
      // Columns of at least TILE px, stretched to fill the row (no dead band on the right).
      const inner = el.clientWidth - 16;
      const n = Math.max(1, Math.floor((inner + GAP) / (TILE + GAP)));
      setCols(n);
      setTile(Math.floor((inner - GAP * (n - 1)) / n));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const rows = Math.ceil(props.items.length / cols);
  const virtual = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => tile + 28 + GAP, overscan: 2 });
  useLayoutEffect(() => virtual.measure(), [tile, virtual]);
  return (
    <div className="task-grid" ref={scroller} role="grid" aria-label="Assets" data-testid="asset-grid">
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((vr) => (
          <div key={vr.key} role="row" className="task-row" style={{ transform: `translateY(${vr.start}px)`, gap: GAP }}>
            {props.items.slice(vr.index * cols, vr.index * cols + cols).map((a) => {
              const cls = ['asset-tile', selected.has(a.id) ? 'selected' : '', focusId === a.id ? 'focused' : ''].join(' ');
              return (
                <button key={a.id} role="gridcell" className={cls} style={{ width: tile }} aria-selected={selected.has(a.id)} onClick={(e) => toggle(a.id, e.ctrlKey || e.metaKey || e.shiftKey)} data-testid="asset-tile">
                  <img src={a.thumbUrl} alt={a.name} width={tile - 8} height={tile - 8} loading="lazy" decoding="async" />
                  <span className="cell-meta">
                    <span className="ellipsis">{a.name}</span>
                    <span className="num">{fmtScore(a.styleScore)}</span>
                  </span>
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
