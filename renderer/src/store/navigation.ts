import { create } from 'zustand';

import { SCREENS, type ScreenId } from './screens.ts';

export { SCREENS, type ScreenId };

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
