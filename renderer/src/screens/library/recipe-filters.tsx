import type { RequestResult } from '../../../../preload/api.ts';
import { useLibrary } from '../../store/library.ts';

type Facet = { name: string; count: number | null };

/**
 * Checkpoint and LoRA filters (the recipe's model and baked LoRAs; issue 15). The choices are
 * what the library's recipes name, with asset counts; the server filters (library.search's
 * model/lora, as `assetql search --model/--lora`). A choice is shown even when it is no longer
 * among the facets, so an active filter never hides itself.
 */
export function RecipeFilters(props: { facets: RequestResult<'library.facets'> | null }) {
  const { filters: f, setFilters } = useLibrary();
  return (
    <>
      <FacetSelect label="Checkpoint" all="All checkpoints" value={f.model} facets={props.facets?.models ?? []} onChange={(model) => setFilters({ model })} />
      <FacetSelect label="LoRA" all="Any LoRA" value={f.lora} facets={props.facets?.loras ?? []} onChange={(lora) => setFilters({ lora })} />
    </>
  );
}

function FacetSelect(props: { label: string; all: string; value: string; facets: Facet[]; onChange(v: string): void }) {
  const { value, facets } = props;
  // Nothing to choose from and nothing chosen: no control (e.g. no LoRA was ever used).
  if (facets.length === 0 && !value) return null;
  const options = value && !facets.some((x) => x.name === value) ? [{ name: value, count: null }, ...facets] : facets;
  return (
    <select className={value ? 'input filter-on' : 'input'} value={value} onChange={(e) => props.onChange(e.target.value)} aria-label={`${props.label} filter`} title={value ? `${props.label}: ${value}` : undefined}>
      <option value="">{props.all}</option>
      {options.map((x) => (
        <option key={x.name} value={x.name}>
          {props.label}: {x.name}
          {x.count === null ? '' : ` (${x.count.toLocaleString('en')})`}
        </option>
      ))}
    </select>
  );
}
