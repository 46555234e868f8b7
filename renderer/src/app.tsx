import { useEffect } from 'react';
import { SCREENS, useNavigation, type ScreenId } from './store/navigation.ts';
import { EmptyState } from './components/empty-state.tsx';

function Screen({ id }: { id: ScreenId }) {
  switch (id) {
    default:
      return <EmptyState title={SCREENS.find((s) => s.id === id)?.label ?? id}>Nothing here yet.</EmptyState>;
  }
}

export function App() {
  const { screen, go } = useNavigation();
  useEffect(() => {
    // Alt+1..8 switches screens from anywhere (plain digits are left to text fields and grids).
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey) return;
      const target = SCREENS.find((s) => s.key === e.key);
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
        <div className="brand">AssetQL</div>
        {SCREENS.map((s) => (
          <button key={s.id} className={s.id === screen ? 'nav-item active' : 'nav-item'} aria-current={s.id === screen ? 'page' : undefined} onClick={() => go(s.id)} data-screen={s.id}>
            {s.label}
          </button>
        ))}
      </nav>
      <main className="content" data-testid={`screen-${screen}`}>
        <Screen id={screen} />
      </main>
    </div>
  );
}
