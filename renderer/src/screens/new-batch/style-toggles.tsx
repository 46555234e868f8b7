import { Segmented } from '../../components/segmented.tsx';
import { useNewBatch, type StyleKey, type StyleMode } from '../../store/new-batch.ts';

const KEYS: StyleKey[] = ['colours', 'lighting', 'composition', 'medium'];
const MODES: readonly StyleMode[] = ['on', 'off', 'locked'];

/** Which parts of the brand DNA are injected into every prompt ("locked": always, never rewritten). */
export function StyleToggles() {
  const { style, set } = useNewBatch();
  return (
    <fieldset className="style-toggles">
      <legend>Style injection</legend>
      {KEYS.map((k) => (
        <div key={k} className="row-between">
          <span>{k}</span>
          <Segmented name={`style-${k}`} label={`${k} injection`} value={style[k]} options={MODES} onChange={(v) => set({ style: { ...style, [k]: v } })} />
        </div>
      ))}
    </fieldset>
  );
}
