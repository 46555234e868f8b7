import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import { importLora } from '../style-weights/lora-registry.ts';
import { ensureLoraVariant } from '../style-weights/lora-variants.ts';
import type { VariantLora } from './job-types.ts';
import type { PackIdentity } from './pack-identity.ts';
import { getVerified, sharedObjectKey } from './shared-objects.ts';
import type { WorkStore } from './work-store.ts';

/** Makes (or finds in its cache) the folder of a base pack with these LoRAs baked in. */
export type VariantProvider = (base: PackIdentity, loras: readonly VariantLora[]) => Promise<string>;

/**
 * A worker's pack variants, through the same LoRA registry and variant cache as local batches
 * (ensureLoraVariant: same canonical order, same bake, same LRU cache and size limit). A LoRA
 * is matched by content hash; one this data folder lacks is read from the store (the
 * coordinator put it there once under its sha256), verified and imported into the registry.
 */
export function dataFolderVariants(o: { db: Database; dataDir: Pick<DataDir, 'models' | 'root'>; store: WorkStore; log?: (line: string) => void }): VariantProvider {
  const fetching = new Map<string, Promise<string>>();
  const loraId = (l: VariantLora): Promise<string> => {
    const row = o.db.prepare('SELECT id FROM loras WHERE sha256 = ?').get(l.sha256) as { id: string } | undefined;
    if (row) return Promise.resolve(row.id);
    let p = fetching.get(l.sha256);
    if (!p) {
      p = fetchLora(o, l);
      p.catch(() => undefined).finally(() => fetching.delete(l.sha256));
      fetching.set(l.sha256, p);
    }
    return p;
  };
  return async (base, loras) => {
    const picks = [];
    for (const l of loras) picks.push({ id: await loraId(l), scale: l.scale });
    return (await ensureLoraVariant(o.db, o.dataDir, { id: base.packId, dir: base.dir }, picks)).dir;
  };
}

async function fetchLora(o: { db: Database; dataDir: Pick<DataDir, 'root'>; store: WorkStore; log?: (line: string) => void }, l: VariantLora): Promise<string> {
  const key = sharedObjectKey(o.store.config, 'loras', l.sha256, 'safetensors');
  o.log?.(`fetching LoRA ${l.name} (${l.sha256.slice(0, 12)}) from the store`);
  let body: Buffer;
  try {
    body = await getVerified(o.store, key, l.sha256, l.bytes);
  } catch (err) {
    const e = err as AppError;
    if (e.kind === 'NotFound') throw new AppError('ModelMissing', `LoRA ${l.name} (${l.sha256.slice(0, 12)}) is neither in this data folder nor in the store`);
    throw err;
  }
  const dir = await mkdtemp(join(tmpdir(), 'assetql-lora-'));
  try {
    const file = join(dir, `${l.sha256}.safetensors`);
    await writeFile(file, body);
    // A LoRA of that name with other content may exist here: the hash keeps the names apart.
    const taken = o.db.prepare('SELECT 1 FROM loras WHERE name = ?').get(l.name) !== undefined;
    const rec = await importLora(o.db, o.dataDir, file, taken ? `${l.name}-${l.sha256.slice(0, 8)}` : l.name);
    if (rec.sha256 !== l.sha256) throw new AppError('Unavailable', `LoRA ${l.name} changed while importing (sha256 ${rec.sha256.slice(0, 12)})`);
    return rec.id;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
