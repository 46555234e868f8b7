import { useEffect } from 'react';
import { SCREENS, useNavigation, type ScreenId } from './store/navigation.ts';
import { startLiveEvents } from './store/live-events.ts';
import { installTestHooks } from './store/test-hooks.ts';
import { Toasts } from './components/toasts.tsx';
import { ConfirmHost } from './components/confirm-dialog.tsx';
import { ConnectionBanner } from './components/connection-banner.tsx';
import { NewBatchScreen } from './screens/new-batch/new-batch-screen.tsx';
import { BrandDnaScreen } from './screens/brand-dna/brand-dna-screen.tsx';
import { BatchesScreen } from './screens/batches/batches-screen.tsx';
import { DeltaReportsScreen } from './screens/delta-reports/delta-reports-screen.tsx';
import { ReviewScreen } from './screens/review/review-screen.tsx';
import { LibraryScreen } from './screens/library/library-screen.tsx';
import { DashboardScreen } from './screens/dashboard/dashboard-screen.tsx';
import { SettingsScreen } from './screens/settings/settings-screen.tsx';
import { WorkersScreen } from './screens/workers/workers-screen.tsx';

function Screen({ id }: { id: ScreenId }) {
  switch (id) {
    case 'new-batch':
      return <NewBatchScreen />;
    case 'brand-dna':
      return <BrandDnaScreen />;
    case 'batches':
      return <BatchesScreen />;
    case 'delta-reports':
      return <DeltaReportsScreen />;
    case 'review':
      return <ReviewScreen />;
    case 'library':
      return <LibraryScreen />;
    case 'dashboard':
      return <DashboardScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'workers':
      return <WorkersScreen />;
    default: {
      const never: never = id;
      return never;
    }
  }
}

startLiveEvents();
installTestHooks();

export function App() {
  const { screen, go } = useNavigation();
  useEffect(() => {
    // Alt+1..9 switches screens from anywhere (plain digits are left to text fields and grids).
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey) return;
      const target = SCREENS.find((s) => s.key === e.key || `Digit${s.key}` === e.code);
      if (target) {
        e.preventDefault();
        go(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go]);
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">
          Asset<span>QL</span>
        </div>
        {SCREENS.map((s) => (
          <button key={s.id} className={s.id === screen ? 'nav-item active' : 'nav-item'} aria-current={s.id === screen ? 'page' : undefined} onClick={() => go(s.id)} data-screen={s.id}>
            <span>{s.label}</span>
            <kbd className="nav-key">Alt {s.key}</kbd>
          </button>
        ))}
      </nav>
      <main className="content" data-testid={`screen-${screen}`} tabIndex={0}>
        <ConnectionBanner />
        <Screen id={screen} />
      </main>
      <Toasts />
      <ConfirmHost />
    </div>
  );
}
