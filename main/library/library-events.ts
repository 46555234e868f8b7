import type { AssetState } from './asset-types.ts';

/**
 * Hooks for whoever mirrors library files elsewhere (S3 sync moves archived objects to a cold
 * storage class; the UI refreshes). Paths are library-relative. Listeners run synchronously
 * after the change is committed; a throwing listener is isolated from the others.
 */
export type LibraryEvent =
  | { type: 'stored'; assetId: string; lineageId: string; version: number; relPath: string; thumbRelPath: string | null }
  | { type: 'archived'; assetId: string; from: string; to: string }
  | { type: 'restored'; assetId: string; from: string; to: string }
  | { type: 'deleted'; assetId: string; previousState: AssetState }
  | { type: 'undeleted'; assetId: string; state: AssetState }
  | { type: 'purged'; assetId: string; relPaths: string[] }
  | { type: 'tagged'; assetId: string };

export type LibraryListener = (event: LibraryEvent) => void;

const listeners = new Set<LibraryListener>();

/** Subscribes; returns the unsubscribe function. */
export function onLibraryEvent(listener: LibraryListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitLibraryEvent(event: LibraryEvent): void {
  for (const l of listeners) {
    try {
      l(event);
    } catch (err) {
      // A broken subscriber must not undo or block a committed library change.
      process.emitWarning(`library event listener failed on ${event.type}: ${(err as Error).message}`);
    }
  }
}
