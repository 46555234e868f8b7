/** A small radio group rendered as a segmented control (keyboard: Tab in, arrows via native radios). */
export function Segmented<T extends string>(props: { name: string; label: string; value: T; options: readonly T[]; onChange(v: T): void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label={props.label}>
      {props.options.map((o) => (
        <label key={o} className={o === props.value ? 'seg-opt on' : 'seg-opt'}>
          <input type="radio" name={props.name} value={o} checked={o === props.value} onChange={() => props.onChange(o)} />
          {o}
        </label>
      ))}
    </div>
  );
}
