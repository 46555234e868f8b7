/** The product's screens in nav order, with their Alt+digit key (DOM-free so tests can import it). */
export const SCREENS = [
  { id: 'new-batch', label: 'New batch', key: '1' },
  { id: 'brand-dna', label: 'Brand DNA', key: '2' },
  { id: 'batches', label: 'Batches', key: '3' },
  { id: 'delta-reports', label: 'Delta reports', key: '4' },
  { id: 'review', label: 'Review', key: '5' },
  { id: 'library', label: 'Library', key: '6' },
  { id: 'dashboard', label: 'Dashboard', key: '7' },
  { id: 'settings', label: 'Settings', key: '8' },
  { id: 'workers', label: 'Workers', key: '9' },
] as const;
export type ScreenId = (typeof SCREENS)[number]['id'];
