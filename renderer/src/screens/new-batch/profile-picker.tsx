import { Field } from '../../components/field.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useNewBatch } from '../../store/new-batch.ts';

/** Reuse a saved brand DNA profile, or build a new one from this batch's references. */
export function ProfilePicker() {
  const profiles = useRequest('profiles.list', {});
  const { profileId, set } = useNewBatch();
  const list = profiles.data ?? [];
  return (
    <Field label="Brand DNA" hint={profiles.error ? 'Saved profiles are not available; a profile will be built from the references.' : undefined}>
      <select className="input" value={profileId ?? ''} onChange={(e) => set({ profileId: e.target.value || null })}>
        <option value="">New profile from these references</option>
        {list.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} (v{p.version})
          </option>
        ))}
      </select>
    </Field>
  );
}
