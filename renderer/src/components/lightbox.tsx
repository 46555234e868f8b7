import { useState, type WheelEvent } from 'react';
import { useDialogFocus } from '../hooks/use-dialog-focus.ts';

const STEPS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8];

/**
 * Full-size image viewer: opens fitted to the window; + / − / 0 (or the buttons, or Ctrl+wheel)
 * zoom through fixed steps around 100 % (actual pixels); scrolling pans a zoomed image.
 * Escape or the backdrop closes it and focus returns to what opened it.
 */
export function Lightbox(props: { src: string; alt: string; onClose(): void }) {
  const { onClose } = props;
  const ref = useDialogFocus<HTMLDivElement>(onClose);
  const [zoom, setZoom] = useState<number | 'fit'>('fit');
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const current = zoom === 'fit' ? null : zoom;
  const step = (dir: 1 | -1): void =>
    setZoom((z) => {
      const from = z === 'fit' ? 1 : z;
      const next = dir > 0 ? STEPS.find((s) => s > from + 1e-6) : [...STEPS].reverse().find((s) => s < from - 1e-6);
      return next ?? from;
    });
  const onWheel = (e: WheelEvent): void => {
    if (!e.ctrlKey) return; // plain wheel pans the zoomed image
    e.preventDefault();
    step(e.deltaY < 0 ? 1 : -1);
  };
  return (
    <div className="backdrop lightbox-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="lightbox"
        ref={ref}
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-label={`Full size: ${props.alt}`}
        data-testid="lightbox"
        onKeyDown={(e) => {
          if (e.key === '+' || e.key === '=') step(1);
          else if (e.key === '-') step(-1);
          else if (e.key === '0') setZoom('fit');
          else if (e.key === '1') setZoom(1);
          else return;
          e.preventDefault();
        }}
      >
        <div className="lightbox-bar">
          <span className="ellipsis small">{props.alt}</span>
          <span className="row gap">
            <span className="small num muted" data-testid="lightbox-zoom">
              {current === null ? 'fit' : `${Math.round(current * 100)}%`}
              {natural ? ` · ${natural.w}×${natural.h}` : ''}
            </span>
            <button className="btn small" onClick={() => step(-1)} aria-label="Zoom out">
              −
            </button>
            <button className="btn small" onClick={() => step(1)} aria-label="Zoom in">
              +
            </button>
            <button className="btn small" onClick={() => setZoom(1)} aria-label="Actual size">
              100%
            </button>
            <button className="btn small" onClick={() => setZoom('fit')} aria-label="Fit to window">
              Fit
            </button>
            <button className="btn ghost small" onClick={onClose} aria-label="Close">
              ✕
            </button>
          </span>
        </div>
        <div className={current === null ? 'lightbox-stage fit' : 'lightbox-stage'} onWheel={onWheel}>
          <img
            src={props.src}
            alt={props.alt}
            onLoad={(e) => setNatural({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
            style={current !== null && natural ? { width: natural.w * current, height: natural.h * current, maxWidth: 'none', maxHeight: 'none' } : undefined}
            onDoubleClick={() => setZoom((z) => (z === 'fit' ? 1 : 'fit'))}
          />
        </div>
      </div>
    </div>
  );
}
