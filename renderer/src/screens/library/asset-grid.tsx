import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AssetSummary } from '../../../../preload/api.ts';
import { useLibrary } from '../../store/library.ts';
import { fmtScore } from '../../hooks/format.ts';

const TILE = 168;
const GAP = 8;

/**
 * Virtualised thumbnail grid over keyset pages: asks for the next page as the last rows come
 * into view. Click focuses, Ctrl/⌘/Shift-click adds to the selection; arrow keys move the focus
 * through tiles (one roving tab stop), Space toggles the selection.
 */
export function AssetGrid(props: { items: AssetSummary[]; onEndReached(): void }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [cols, setCols] = useState(4);
  const [tile, setTile] = useState(TILE);
  const { selected, focusId, toggle, focus } = useLibrary();
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
  const visibleRows = virtual.getVirtualItems();
  const lastVisible = visibleRows[visibleRows.length - 1]?.index ?? -1;
  const { onEndReached } = props;
  useEffect(() => {
    if (rows > 0 && lastVisible >= rows - 4) onEndReached();
  }, [lastVisible, rows, onEndReached]);

  const focusIndex = props.items.findIndex((a) => a.id === focusId);
  const moveTo = (i: number): void => {
    const a = props.items[Math.max(0, Math.min(props.items.length - 1, i))];
    if (!a) return;
    focus(a.id);
    virtual.scrollToIndex(Math.floor(props.items.indexOf(a) / cols), { align: 'auto' });
    const tileOf = (): HTMLElement | null | undefined => scroller.current?.querySelector<HTMLElement>(`[data-asset-id="${CSS.escape(a.id)}"]`);
    const now = tileOf();
    if (now) now.focus();
    // Off-screen: the tile exists only once the scroll has rendered its row.
    else requestAnimationFrame(() => requestAnimationFrame(() => tileOf()?.focus()));
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    const at = focusIndex < 0 ? 0 : focusIndex;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, Home: -at, End: props.items.length - 1 - at };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(focusIndex < 0 ? 0 : at + moves[e.key]!);
    } else if (e.key === ' ' && focusId) {
      e.preventDefault();
      toggle(focusId, true);
    }
  };
  const tabStop = focusIndex >= 0 ? focusId : (props.items[0]?.id ?? null);
  return (
    <div className="task-grid" ref={scroller} role="grid" aria-label="Assets" aria-rowcount={rows} data-testid="asset-grid" onKeyDown={onKeyDown}>
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {visibleRows.map((vr) => (
          <div key={vr.key} role="row" aria-rowindex={vr.index + 1} className="task-row" style={{ transform: `translateY(${vr.start}px)`, gap: GAP }}>
            {props.items.slice(vr.index * cols, vr.index * cols + cols).map((a) => {
              const cls = ['asset-tile', selected.has(a.id) ? 'selected' : '', focusId === a.id ? 'focused' : ''].join(' ');
              return (
                <button
                  key={a.id}
                  role="gridcell"
                  className={cls}
                  style={{ width: tile }}
                  aria-selected={selected.has(a.id)}
                  tabIndex={a.id === tabStop ? 0 : -1}
                  data-asset-id={a.id}
                  onClick={(e) => toggle(a.id, e.ctrlKey || e.metaKey || e.shiftKey)}
                  data-testid="asset-tile"
                >
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
