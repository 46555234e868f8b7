import { useState } from 'react';
import { AsyncView } from '../../components/async-view.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { Palette } from './palette.tsx';
import { ParamGroups } from './param-groups.tsx';
import { DriftChart } from './drift-chart.tsx';
import { VersionHistory } from './version-history.tsx';

/** One profile version: references, palette, parameters (editable), keywords and drift. */
export function ProfileDetailView(props: { id: string; onNewVersion?(): void }) {
  const [version, setVersion] = useState<number | undefined>(undefined);
  const detail = useRequest('profiles.get', version === undefined ? { id: props.id } : { id: props.id, version });
  return (
    <AsyncView state={detail} what="Profile">
      {(p) => (
        <div className="stack">
          <div className="row-between">
            <h2>{p.name}</h2>
            <label className="inline-field">
              Version
              <select className="input narrow" value={p.version} onChange={(e) => setVersion(Number(e.target.value))} aria-label="Profile version">
                {p.versions.map((v) => (
                  <option key={v} value={v}>
                    v{v}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="ref-strip">
            {p.refs.map((r) => (
              <figure key={r.url}>
                <img src={r.url} alt={r.name} />
                <figcaption className="small muted num ellipsis" title={r.name}>
                  {r.name.split(/[\\/]/).pop()} · {r.width}×{r.height}
                </figcaption>
              </figure>
            ))}
          </div>
          {!p.clipAvailable ? <p className="warn-text small">No CLIP pack installed: similarity scores are unavailable and image analysis alone is used.</p> : null}
          <div className="card">
            <h3>Palette</h3>
            <Palette colours={p.palette} />
          </div>
          <ParamGroups
            profile={p}
            onSaved={(next) => {
              // The saved edit is a new version: show it here and in the profile list.
              setVersion(undefined);
              detail.setData(next);
              props.onNewVersion?.();
            }}
          />
          <div className="card">
            <h3>Keywords injected into prompts</h3>
            <dl className="params">
              {Object.entries(p.keywords).map(([k, words]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{words.length ? words.join(', ') : '—'}</dd>
                </div>
              ))}
            </dl>
          </div>
          <div className="card">
            <h3>How each version changed</h3>
            <VersionHistory history={p.history} onOpen={setVersion} />
          </div>
          <div className="card">
            <h3>Drift across batches</h3>
            <DriftChart drift={p.drift} />
          </div>
        </div>
      )}
    </AsyncView>
  );
}
