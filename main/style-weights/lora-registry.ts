import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import { groupLoraKeys } from '../../models/lora/lora-keys.ts';
import { SafetensorsFile } from '../../models/safetensors/safetensors-file.ts';
import { SafetensorsError } from '../../models/safetensors/safetensors-header.ts';
import { triggerWords } from './trigger-words.ts';

export interface LoraRecord {
  id: string;
  name: string;
  path: string;
  sha256: string;
  bytes: number;
  layers: number;
  triggerWords: string[];
  baseModel: string | null;
  importedAt: number;
}

interface Row {
  id: string;
  name: string;
  rel_path: string;
  sha256: string;
  bytes: number;
  layers: number;
  trigger_words: string;
  base_model: string | null;
  imported_at: number;
}

export const lorasDir = (dataDir: Pick<DataDir, 'root'>): string => join(dataDir.root, 'loras');

function toRecord(dataDir: Pick<DataDir, 'root'>, r: Row): LoraRecord {
  return { id: r.id, name: r.name, path: join(lorasDir(dataDir), r.rel_path), sha256: r.sha256, bytes: r.bytes, layers: r.layers, triggerWords: JSON.parse(r.trigger_words) as string[], baseModel: r.base_model, importedAt: r.imported_at };
}

export function listLoras(db: Database, dataDir: Pick<DataDir, 'root'>): LoraRecord[] {
  return (db.prepare('SELECT * FROM loras ORDER BY name COLLATE NOCASE').all() as Row[]).map((r) => toRecord(dataDir, r));
}

export function getLora(db: Database, dataDir: Pick<DataDir, 'root'>, id: string): LoraRecord {
  const r = db.prepare('SELECT * FROM loras WHERE id = ? OR name = ?').get(id, id) as Row | undefined;
  if (!r) throw new AppError('NotFound', `no LoRA "${id}" (see \`assetql models lora list\`)`);
  return toRecord(dataDir, r);
}

/**
 * Checks that the file is a LoRA (a safetensors file with lora_down/up or lora_A/B layers),
 * copies it into <data>/loras while hashing it, and records its trigger words.
 */
export async function importLora(db: Database, dataDir: Pick<DataDir, 'root'>, file: string, name?: string): Promise<LoraRecord> {
  let layers: number;
  let meta: Record<string, string>;
  try {
    const st = await SafetensorsFile.open(file);
    try {
      const g = groupLoraKeys(st.tensors.keys());
      layers = g.layers.filter((l) => l.down && l.up).length;
      meta = { ...st.metadata };
    } finally {
      await st.close();
    }
  } catch (err) {
    if (err instanceof SafetensorsError) throw new AppError('BadInput', err.message, { file });
    throw new AppError('BadInput', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  if (layers === 0) throw new AppError('BadInput', `${file} holds no LoRA layers (no lora_down/lora_up or lora_A/lora_B tensors): is it a full checkpoint? Use \`assetql models import\` for those.`, { file });
  const display = (name ?? meta['ss_output_name'] ?? basename(file).replace(/\.safetensors$/i, '')).trim().slice(0, 80);
  if (!display) throw new AppError('BadInput', 'a LoRA needs a name');
  if (db.prepare('SELECT 1 FROM loras WHERE name = ?').get(display)) throw new AppError('Conflict', `a LoRA named "${display}" is already imported`);
  const dir = lorasDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const id = randomUUID();
  const rel = `${id}.safetensors`;
  const tmp = join(dir, `${rel}.part`);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(file), tap, createWriteStream(tmp));
    await rename(tmp, join(dir, rel));
  } catch (err) {
    await rm(tmp, { force: true });
    throw new AppError('Unavailable', `cannot copy ${file} into ${dir}: ${(err as Error).message}`, { file });
  }
  const bytes = (await stat(join(dir, rel))).size;
  const row: Row = {
    id,
    name: display,
    rel_path: rel,
    sha256: hash.digest('hex'),
    bytes,
    layers,
    trigger_words: JSON.stringify(triggerWords(meta)),
    base_model: meta['ss_base_model_version'] ?? meta['modelspec.architecture'] ?? null,
    imported_at: Date.now(),
  };
  db.prepare('INSERT INTO loras (id, name, rel_path, sha256, bytes, layers, trigger_words, base_model, imported_at) VALUES (@id, @name, @rel_path, @sha256, @bytes, @layers, @trigger_words, @base_model, @imported_at)').run(row);
  return toRecord(dataDir, row);
}

export async function removeLora(db: Database, dataDir: Pick<DataDir, 'root'>, id: string): Promise<LoraRecord> {
  const rec = getLora(db, dataDir, id);
  db.prepare('DELETE FROM loras WHERE id = ?').run(rec.id);
  if (existsSync(rec.path)) await rm(rec.path, { force: true });
  return rec;
}
