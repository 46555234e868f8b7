import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { AppError } from '../main/core/app-error.ts';
import type { DataDir } from '../main/core/data-dir.ts';
import { getSetting, setSetting } from '../main/db/settings-repo.ts';
import { manifestFileRefs } from './catalog.ts';
import { readDigests } from './downloader/download-pack.ts';
import { sha256File } from './downloader/hash-file.ts';
import { MANIFEST_FILE, PackManifest } from './manifest.ts';

/**
 * Installed packs: folders with a valid manifest.json, either under dataDir.models/<packId>
 * (downloads) or anywhere the user pointed `models locate` at. Located folders are remembered in
 * the settings table under `models.locations` ({ packId: absoluteDir }).
 */
export const LOCATIONS_KEY = 'models.locations';

export type PackState = 'ok' | 'incomplete' | 'invalid' | 'missing';

export interface InstalledPack {
  id: string;
  dir: string;
  state: PackState;
  /** Where the location came from: a registered folder or the default download folder. */
  source: 'registered' | 'default';
  manifest?: PackManifest;
  /** Sum of file sizes on disk. */
  bytes: number;
  /** What is wrong when state is not ok. */
  problem?: string;
  testPack: boolean;
}

export function defaultPackDir(dataDir: Pick<DataDir, 'models'>, packId: string): string {
  return join(dataDir.models, packId);
}

export function getLocations(db: Database): Record<string, string> {
  return getSetting<Record<string, string>>(db, LOCATIONS_KEY, {});
}

export function registerPack(db: Database, packId: string, dir: string): void {
  setSetting(db, LOCATIONS_KEY, { ...getLocations(db), [packId]: resolve(dir) });
}

export function unregisterPack(db: Database, packId: string): void {
  const next = { ...getLocations(db) };
  delete next[packId];
  setSetting(db, LOCATIONS_KEY, next);
}

/** Reads and validates a pack folder's manifest; errors name the file and the problem. */
export function readPackManifest(dir: string): PackManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new AppError('ModelMissing', `no ${MANIFEST_FILE} in ${dir}: not a model pack folder (or its download has not finished)`, { file: path });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AppError('BadInput', `${path} is not valid JSON: ${(err as Error).message}`, { file: path });
  }
  const parsed = PackManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('BadInput', `${path} is not a valid pack manifest: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema mismatch'}`, { file: path });
  }
  return parsed.data;
}

/** Missing files and size mismatches (cheap: no hashing). */
export function checkPackFiles(dir: string, manifest: PackManifest): { problems: string[]; bytes: number } {
  const problems: string[] = [];
  let bytes = 0;
  const expected = expectedSizes(manifest);
  for (const rel of manifestFileRefs(manifest)) {
    const full = join(dir, rel);
    let size: number;
    try {
      size = statSync(full).size;
    } catch {
      problems.push(`missing ${rel}`);
      continue;
    }
    bytes += size;
    const want = expected.get(rel);
    if (want !== undefined && want !== size) problems.push(`${rel} is ${size} bytes, manifest says ${want}`);
  }
  return { problems, bytes };
}

export function inspectPack(dir: string, id: string, source: InstalledPack['source']): InstalledPack {
  if (!existsSync(dir)) return { id, dir, state: 'missing', source, bytes: 0, problem: `folder ${dir} does not exist`, testPack: false };
  let manifest: PackManifest;
  try {
    manifest = readPackManifest(dir);
  } catch (err) {
    const state: PackState = err instanceof AppError && err.kind === 'ModelMissing' ? 'incomplete' : 'invalid';
    return { id, dir, state, source, bytes: 0, problem: (err as Error).message, testPack: false };
  }
  const { problems, bytes } = checkPackFiles(dir, manifest);
  if (manifest.id !== id) problems.unshift(`manifest id is ${manifest.id}, registered as ${id}`);
  return {
    id,
    dir,
    state: problems.length ? 'incomplete' : 'ok',
    source,
    manifest,
    bytes,
    ...(problems.length ? { problem: problems.join('; ') } : {}),
    testPack: manifest.testPack,
  };
}

/** Registered packs plus any pack folder under dataDir.models (downloads register implicitly). */
export function listInstalledPacks(db: Database, dataDir: Pick<DataDir, 'models'>): InstalledPack[] {
  const out = new Map<string, InstalledPack>();
  for (const [id, dir] of Object.entries(getLocations(db))) out.set(id, inspectPack(dir, id, 'registered'));
  if (existsSync(dataDir.models)) {
    for (const name of readdirSync(dataDir.models).sort()) {
      if (out.has(name)) continue;
      const dir = join(dataDir.models, name);
      if (!statSync(dir).isDirectory()) continue;
      const hasManifest = existsSync(join(dir, MANIFEST_FILE));
      const hasParts = readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.part'));
      if (!hasManifest && !hasParts) continue;
      out.set(name, inspectPack(dir, name, 'default'));
    }
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function findInstalledPack(db: Database, dataDir: Pick<DataDir, 'models'>, id: string): InstalledPack | undefined {
  return listInstalledPacks(db, dataDir).find((p) => p.id === id);
}

/**
 * Registers an existing folder as pack `id` after checking that its manifest is valid, matches
 * the id, and that every file it names is present with the recorded size.
 */
export function locatePack(db: Database, id: string, dir: string): InstalledPack {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new AppError('NotFound', `${abs} is not a folder`, { dir: abs });
  const manifest = readPackManifest(abs);
  if (manifest.id !== id) {
    throw new AppError('BadInput', `${join(abs, MANIFEST_FILE)} describes pack "${manifest.id}", not "${id}"`, { file: join(abs, MANIFEST_FILE) });
  }
  const { problems } = checkPackFiles(abs, manifest);
  if (problems.length) throw new AppError('ModelMissing', `pack ${id} in ${abs} is incomplete: ${problems.join('; ')}`, { dir: abs, problems });
  registerPack(db, id, abs);
  return inspectPack(abs, id, 'registered');
}

export interface VerifiedFile {
  file: string;
  ok: boolean;
  size: number;
  sha256?: string;
  expectedSha256?: string;
  /** Neither the manifest nor the download record holds a hash for this file. */
  unchecked?: boolean;
  problem?: string;
}

/** Re-hashes every file of a pack against the manifest (and the download's digest record). */
export async function verifyPack(dir: string, opts: { signal?: AbortSignal; onFile?: (file: string) => void; onBytes?: (n: number) => void } = {}): Promise<{ ok: boolean; files: VerifiedFile[] }> {
  const manifest = readPackManifest(dir);
  const expected = expectedHashes(manifest);
  const recorded = await readDigests(dir);
  const files: VerifiedFile[] = [];
  for (const rel of manifestFileRefs(manifest)) {
    opts.onFile?.(rel);
    const full = join(dir, rel);
    if (!existsSync(full)) {
      files.push({ file: rel, ok: false, size: 0, problem: 'missing' });
      continue;
    }
    const d = await sha256File(full, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onBytes ? { onBytes: opts.onBytes } : {}) });
    const want = expected.get(rel) ?? recorded[rel]?.sha256;
    if (!want) files.push({ file: rel, ok: true, size: d.size, sha256: d.sha256, unchecked: true });
    else if (want === d.sha256) files.push({ file: rel, ok: true, size: d.size, sha256: d.sha256, expectedSha256: want });
    else files.push({ file: rel, ok: false, size: d.size, sha256: d.sha256, expectedSha256: want, problem: 'sha256 mismatch' });
  }
  return { ok: files.every((f) => f.ok), files };
}

function expectedHashes(manifest: PackManifest): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of Object.values(manifest.components)) {
    if (!c) continue;
    if (c.sha256) m.set(c.file, c.sha256);
    for (const e of c.externalData) if (e.sha256) m.set(e.file, e.sha256);
  }
  return m;
}

function expectedSizes(manifest: PackManifest): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of Object.values(manifest.components)) {
    if (!c) continue;
    if (c.size !== undefined) m.set(c.file, c.size);
    for (const e of c.externalData) if (e.size !== undefined) m.set(e.file, e.size);
  }
  return m;
}
