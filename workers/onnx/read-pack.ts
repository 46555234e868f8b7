// Moved to models/read-pack.ts (pure I/O that main/ also needs); kept for worker-side imports.
export { packFiles, readPack } from '../../models/read-pack.ts';
export type { ClipManifest, SdxlManifest } from '../../models/read-pack.ts';
