import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { TaskCell, CELL_H, CELL_W } from './task-cell.tsx';

const GAP = 8;

/**
 * Virtualised grid of every task: only visible rows are in the DOM, cells have a fixed size
 * (live updates never move anything) and each cell subscribes to its own task in the store.
 */
export function TaskGrid(props: { ids: string[]; onOpen(id: string): void }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [cols, setCols] = useState(6);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = (): void => setCols(Math.max(1, Math.floor((el.clientWidth - 16 + GAP) / (CELL_W + GAP))));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const rows = Math.ceil(props.ids.length / cols);
  const virtual = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => CELL_H + GAP, overscan: 3 });

  // Arrow keys move focus cell to cell; the target row is scrolled into view (and so rendered) first.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const from = Number((e.target as HTMLElement).dataset.index);
    if (Number.isNaN(from)) return;
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, Home: -from, End: props.ids.length - 1 - from };
    const delta = step[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    const to = Math.min(props.ids.length - 1, Math.max(0, from + delta));
    virtual.scrollToIndex(Math.floor(to / cols));
    // Focus at once when the cell is rendered, so a quick second key starts from the new cell;
    // only a row scrolled into view just now waits a frame to exist.
    const target = scroller.current?.querySelector<HTMLElement>(`[data-index="${to}"]`);
    if (target) target.focus();
    else requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${to}"]`)?.focus());
  };

  return (
    <div className="task-grid" ref={scroller} data-testid="task-grid" role="grid" aria-rowcount={rows} aria-label="Tasks" onKeyDown={onKeyDown}>
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((vr) => (
          <div key={vr.key} role="row" className="task-row" style={{ transform: `translateY(${vr.start}px)`, gap: GAP }}>
            {props.ids.slice(vr.index * cols, vr.index * cols + cols).map((id, i) => (
              <TaskCell key={id} id={id} index={vr.index * cols + i} onOpen={props.onOpen} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
