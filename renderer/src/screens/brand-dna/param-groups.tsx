import { useState } from 'react';
import type { ProfileDetail, ProfileParam } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';

const GROUPS: ProfileParam['group'][] = ['composition', 'texture', 'lighting'];

/** Parameters grouped composition/texture/lighting; edit values and lock them, then save a new version. */
export function ParamGroups(props: { profile: ProfileDetail; onSaved(p: ProfileDetail): void }) {
  const [edits, setEdits] = useState<Record<string, number>>({});
  const [locks, setLocks] = useState<Record<string, boolean>>({});
  const dirty = Object.keys(edits).length + Object.keys(locks).length > 0;
  const save = async (): Promise<void> => {
    const next = await attempt('Save profile', () => call('profiles.update', { id: props.profile.id, edits, locks }), (p) => `Saved ${p.name} v${p.version}`);
    if (next) {
      setEdits({});
      setLocks({});
      props.onSaved(next);
    }
  };
  return (
    <div className="card">
      <div className="row-between">
        <h3>Parameters</h3>
        <span className="row gap">
          <button className="btn ghost" disabled={!dirty} onClick={() => (setEdits({}), setLocks({}))}>
            Revert
          </button>
          <button className="btn primary" disabled={!dirty} onClick={() => void save()}>
            Save as new version
          </button>
        </span>
      </div>
      <div className="param-groups">
        {GROUPS.map((g) => (
          <fieldset key={g} className="param-group">
            <legend>{g}</legend>
            {props.profile.params.filter((p) => p.group === g).map((p) => {
              const value = edits[p.key] ?? p.value;
              const locked = locks[p.key] ?? p.locked;
              return (
                <div key={p.key} className="param">
                  <span className="row-between small">
                    <span>{p.label}</span>
                    <span className="num">
                      {value.toFixed(2)} <span className="muted">±{p.spread.toFixed(2)}</span>
                    </span>
                  </span>
                  <span className="row gap">
                    <input type="range" min={p.min} max={p.max} step={(p.max - p.min) / 100} value={value} aria-label={p.label} onChange={(e) => setEdits({ ...edits, [p.key]: Number(e.target.value) })} />
                    <button className={locked ? 'btn small lock on' : 'btn small lock'} aria-pressed={locked} aria-label={`Lock ${p.label}`} onClick={() => setLocks({ ...locks, [p.key]: !locked })} title={locked ? 'Locked: retries never adjust it' : 'Unlocked: retries may adjust it'}>
                      <LockIcon locked={locked} />
                    </button>
                  </span>
                </div>
              );
            })}
          </fieldset>
        ))}
      </div>
    </div>
  );
}

/** A padlock drawn in SVG (emoji glyphs are missing on many Linux desktops). */
function LockIcon(props: { locked: boolean }) {
  return (
    <svg width="12" height="14" viewBox="0 0 12 14" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6">
      <rect x="1" y="6" width="10" height="7" rx="1.5" fill={props.locked ? 'currentColor' : 'none'} />
      <path d={props.locked ? 'M3 6V4a3 3 0 0 1 6 0v2' : 'M3 6V4a3 3 0 0 1 6 0'} />
    </svg>
  );
}
