import { ScreenHeader } from '../../components/screen-header.tsx';
import { AsyncView } from '../../components/async-view.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { ModelPacks } from './model-packs.tsx';
import { LorasSection } from './loras-section.tsx';
import { ProviderStatus } from './provider-status.tsx';
import { SecretsSection } from './secrets-section.tsx';
import { SettingsForm } from './settings-form.tsx';
import { AboutSection } from './about-section.tsx';
import { HotFolderDrops } from './hot-folder-drops.tsx';
import { MaintenanceSection } from './maintenance-section.tsx';
import { DistributedSection } from './distributed-section.tsx';

/** Model packs, GPU status, keys and every default. */
export function SettingsScreen() {
  const settings = useRequest('settings.get', {});
  return (
    <section className="screen">
      <ScreenHeader title="Settings" subtitle="Models, GPU, keys, storage and defaults." />
      <div className="settings-grid">
        <ModelPacks />
        <LorasSection />
        <ProviderStatus />
        <SecretsSection />
        <AsyncView state={settings} what="Settings">
          {(s) => <SettingsForm settings={s} onSaved={settings.setData} />}
        </AsyncView>
        <HotFolderDrops />
        <DistributedSection />
        <AboutSection />
        <MaintenanceSection />
      </div>
    </section>
  );
}
