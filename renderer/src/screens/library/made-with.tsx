import type { AssetDetail } from '../../../../preload/api.ts';
import { useLibrary } from '../../store/library.ts';

/** The asset's checkpoint and LoRAs; each one filters the Library to everything made with it. */
export function MadeWith({ asset: a }: { asset: AssetDetail }) {
  const setFilters = useLibrary((s) => s.setFilters);
  if (!a.model && a.loras.length === 0) return null;
  return (
    <div className="row gap wrap small" data-testid="made-with">
      <span className="muted">Made with</span>
      {a.model ? (
        <button className="chip button" onClick={() => setFilters({ model: a.model })} title="Show every asset made with this checkpoint" aria-label={`Filter by checkpoint ${a.model}`}>
          {a.model}
        </button>
      ) : null}
      {a.loras.map((l) => (
        <button key={l} className="chip button" onClick={() => setFilters({ lora: l })} title="Show every asset made with this LoRA" aria-label={`Filter by LoRA ${l}`}>
          LoRA {l}
        </button>
      ))}
    </div>
  );
}
