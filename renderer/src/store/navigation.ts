import { create } from 'zustand';

export const SCREENS = [
  { id: 'new-batch', label: 'New batch', key: '1' },
  { id: 'brand-dna', label: 'Brand DNA', key: '2' },
  { id: 'batches', label: 'Batches', key: '3' },
  { id: 'delta-reports', label: 'Delta reports', key: '4' },
  { id: 'review', label: 'Review', key: '5' },
  { id: 'library', label: 'Library', key: '6' },
  { id: 'dashboard', label: 'Dashboard', key: '7' },
  { id: 'settings', label: 'Settings', key: '8' },
] as const;
export type ScreenId = (typeof SCREENS)[number]['id'];

interface NavigationState {
  screen: ScreenId;
  go(screen: ScreenId): void;
}

function fromHash(): ScreenId {
  const id = location.hash.replace(/^#\/?/, '');
  return (SCREENS.find((s) => s.id === id)?.id ?? 'new-batch') as ScreenId;
}

/** The current screen lives in the URL hash so reloads and screenshots land on the same screen. */
export const useNavigation = create<NavigationState>((set) => ({
  screen: fromHash(),
  go(screen) {
    if (location.hash !== `#/${screen}`) history.replaceState(null, '', `${location.pathname}${location.search}#/${screen}`);
    set({ screen });
  },
}));

window.addEventListener('hashchange', () => useNavigation.setState({ screen: fromHash() }));
