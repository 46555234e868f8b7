import { useEffect, useState } from 'react';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { AsyncView } from '../../components/async-view.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { ProfileDetailView } from './profile-detail.tsx';
import { CreateProfile } from './create-profile.tsx';

/** Brand DNA profiles: what the references say about the brand, editable and versioned. */
export function BrandDnaScreen() {
  const list = useRequest('profiles.list', {});
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    if (!selected && list.data?.[0]) setSelected(list.data[0].id);
  }, [list.data, selected]);
  return (
    <section className="screen">
      <ScreenHeader
        title="Brand DNA"
        subtitle="Palette, lighting, composition and texture extracted from your references."
        actions={
          <button className="btn" onClick={() => setCreating(true)}>
            + New profile
          </button>
        }
      />
      {creating ? (
        <CreateProfile
          onDone={(id) => {
            setCreating(false);
            if (id) {
              setSelected(id);
              list.reload();
            }
          }}
        />
      ) : null}
      <AsyncView
        state={list}
        what="Brand DNA profiles"
        isEmpty={(d) => d.length === 0}
        empty={<EmptyState title="No brand DNA yet">A profile is built from 1–5 reference images when you start a batch, or with “New profile”.</EmptyState>}
      >
        {(profiles) => (
          <div className="split">
            <ul className="batch-list" aria-label="Profiles">
              {profiles.map((p) => (
                <li key={p.id}>
                  <button className={p.id === selected ? 'batch-item active' : 'batch-item'} onClick={() => setSelected(p.id)}>
                    <span className="row-between">
                      <span className="ellipsis">{p.name}</span>
                      <span className="muted small">v{p.version}</span>
                    </span>
                    <span className="swatch-strip">
                      {p.palette.map((c) => (
                        <span key={c.hex} style={{ background: c.hex, flexGrow: Math.max(0.02, c.weight) }} title={`${c.name} ${c.hex}`} />
                      ))}
                    </span>
                    <span className="muted small">{p.refCount} reference(s)</span>
                  </button>
                </li>
              ))}
            </ul>
            {selected ? <ProfileDetailView key={selected} id={selected} onNewVersion={list.reload} /> : null}
          </div>
        )}
      </AsyncView>
    </section>
  );
}
