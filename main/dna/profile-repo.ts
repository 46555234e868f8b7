import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import type { Embedder } from '../inference/embedder.ts';
import { decodeInWorker as decodeImage } from '../inference/cpu-jobs.ts';
import { hexToRgb } from '../../workers/analysis/colour-space.ts';
import { paletteColourFromHex } from '../../workers/analysis/palette.ts';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { buildProfile, type NamedImage } from './build-profile.ts';
import { storeReference, type StoredRef } from './ref-store.ts';
import { PARAM_KEYS, type LockKey, type ParamKey, type ParamRange, type StyleProfile, type StyleProfileData } from './style-profile.ts';

/** A user's edits: new ranges for parameters and/or a replacement palette (hex + weight). */
export interface ProfileEdits {
  params?: Partial<Record<ParamKey, Partial<Pick<ParamRange, 'min' | 'max'>>>>;
  palette?: { hex: string; weight: number }[];
}

export interface ProfileSummary {
  id: string;
  name: string;
  version: number;
  refCount: number;
  locks: LockKey[];
  hasClip: boolean;
  createdAt: number;
  updatedAt: number;
}

interface ProfileRow {
  id: string;
  version: number;
  name: string;
  data: string;
  clip_centroid: Buffer | null;
  locks: string;
  created_at: number;
}

/** A reference: a file path (decoded here) or an already decoded image with its name. */
export type ReferenceInput = string | NamedImage;

export interface CreateOptions {
  name: string;
  embedder?: Embedder | null;
  k?: number;
}

/** Decodes, stores and analyses 1–5 references; saves version 1. */
export async function createProfile(db: Database, dataDir: DataDir, refs: readonly ReferenceInput[], options: CreateOptions): Promise<StyleProfile> {
  const id = `prf_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const named = await Promise.all(refs.map(toNamed));
  const stored: (NamedImage & StoredRef)[] = [];
  for (const r of named) stored.push({ ...r, ...(await storeReference(dataDir, id, r.image)) });
  const profile = await buildProfile(stored, { name: options.name, ...(options.k !== undefined ? { k: options.k } : {}), embedder: options.embedder ?? null });
  const now = Date.now();
  db.transaction(() => {
    const ins = db.prepare(`INSERT OR IGNORE INTO profile_refs (profile_id, sha256, position, name, path, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    stored.forEach((r, i) => ins.run(id, r.sha256, i, r.name, r.path, r.image.width, r.image.height, now));
    insertVersion(db, { ...profile, id, version: 1, createdAt: now }, {}, 'created');
  })();
  return getProfile(db, id, 1);
}

/** The given version, or the latest. Throws NotFound. */
export function getProfile(db: Database, id: string, version?: number): StyleProfile {
  const row = (version === undefined
    ? db.prepare('SELECT * FROM profiles WHERE id = ? ORDER BY version DESC LIMIT 1').get(id)
    : db.prepare('SELECT * FROM profiles WHERE id = ? AND version = ?').get(id, version)) as ProfileRow | undefined;
  if (!row) throw new AppError('NotFound', version === undefined ? `no style profile ${id}` : `no style profile ${id} version ${version}`, { id, version });
  const data = JSON.parse(row.data) as StyleProfileData;
  return {
    ...data,
    id: row.id,
    version: row.version,
    name: row.name,
    createdAt: row.created_at,
    clipCentroid: row.clip_centroid ? blobToFloat32(row.clip_centroid) : null,
    locks: JSON.parse(row.locks) as LockKey[],
  };
}

/** Latest version of every profile, newest first. */
export function listProfiles(db: Database): ProfileSummary[] {
  const rows = db.prepare(`
    SELECT p.id, p.name, p.version, p.locks, p.clip_centroid IS NOT NULL AS has_clip, p.created_at,
           (SELECT MIN(created_at) FROM profiles f WHERE f.id = p.id) AS first_at,
           (SELECT COUNT(*) FROM profile_refs r WHERE r.profile_id = p.id) AS ref_count
    FROM profiles p
    WHERE p.version = (SELECT MAX(version) FROM profiles q WHERE q.id = p.id)
    ORDER BY p.created_at DESC, p.id`).all() as { id: string; name: string; version: number; locks: string; has_clip: number; created_at: number; first_at: number; ref_count: number }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    version: r.version,
    refCount: r.ref_count,
    locks: JSON.parse(r.locks) as LockKey[],
    hasClip: r.has_clip === 1,
    createdAt: r.first_at,
    updatedAt: r.created_at,
  }));
}

/**
 * Applies edits and sets the lock list (omitted → unchanged) as a new version. Edited values
 * are clamped so min ≤ max; the mean is re-centred inside the range.
 */
export function updateProfileParams(db: Database, id: string, edits: ProfileEdits, locks?: readonly LockKey[]): StyleProfile {
  const current = getProfile(db, id);
  const next: StyleProfile = { ...current, params: { ...current.params }, locks: locks ? [...new Set(locks)] : current.locks };
  for (const lock of next.locks) {
    if (lock !== 'palette' && !(PARAM_KEYS as readonly string[]).includes(lock)) throw new AppError('BadInput', `unknown parameter to lock: ${lock}`, { lock });
  }
  for (const [key, edit] of Object.entries(edits.params ?? {})) {
    if (!(PARAM_KEYS as readonly string[]).includes(key)) throw new AppError('BadInput', `unknown profile parameter: ${key}`, { param: key });
    const old = next.params[key as ParamKey];
    const min = edit?.min ?? old.min;
    const max = edit?.max ?? old.max;
    if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
      throw new AppError('BadInput', `parameter ${key}: min ${min} must be ≤ max ${max}`, { param: key, min, max });
    }
    next.params[key as ParamKey] = { ...old, min, max, mean: Math.min(max, Math.max(min, old.mean)) };
  }
  if (edits.palette) next.palette = paletteFromEdit(edits.palette);
  const version = nextVersion(db, id);
  insertVersion(db, { ...next, version, createdAt: Date.now() }, edits, 'edit');
  return getProfile(db, id, version);
}

/**
 * Re-analyses the stored references (e.g. with CLIP now available, or another k) as a new
 * version. Locked parameters and a locked palette keep the current version's values.
 */
export async function reanalyseProfile(db: Database, dataDir: DataDir, id: string, options: { embedder?: Embedder | null; k?: number; reason?: string } = {}): Promise<StyleProfile> {
  const current = getProfile(db, id);
  const refs = db.prepare('SELECT sha256, name, path FROM profile_refs WHERE profile_id = ? ORDER BY position').all(id) as { sha256: string; name: string; path: string }[];
  const named: NamedImage[] = [];
  for (const r of refs) named.push({ name: r.name, sha256: r.sha256, image: await decodeImage(join(dataDir.library, r.path)) });
  const fresh = await buildProfile(named, { name: current.name, k: options.k ?? current.k, embedder: options.embedder ?? null });
  const params = { ...fresh.params };
  for (const lock of current.locks) if (lock !== 'palette') params[lock] = current.params[lock];
  const next: StyleProfile = {
    ...fresh,
    params,
    palette: current.locks.includes('palette') ? current.palette : fresh.palette,
    references: fresh.references.map((r, i) => ({ ...r, name: refs[i]?.name ?? r.name })),
    id,
    name: current.name,
    locks: current.locks,
    version: nextVersion(db, id),
    createdAt: Date.now(),
  };
  insertVersion(db, next, {}, options.reason ?? 'reanalyse');
  return getProfile(db, id, next.version);
}

/** References a profile may hold: enough to widen the style, few enough to keep it one style. */
export const MAX_PROFILE_REFS = 10;

/**
 * Adds an image (an approved asset) to a profile's references and re-analyses them as a new
 * version (reason 'add-reference'); locked parameters and a locked palette stay as they were.
 * The same image twice is refused rather than silently weighting it double.
 */
export async function addProfileReference(db: Database, dataDir: DataDir, id: string, ref: NamedImage, options: { embedder?: Embedder | null } = {}): Promise<StyleProfile> {
  getProfile(db, id);
  const count = (db.prepare('SELECT count(*) AS n FROM profile_refs WHERE profile_id = ?').get(id) as { n: number }).n;
  if (count >= MAX_PROFILE_REFS) throw new AppError('Conflict', `this profile already has ${count} references (the most is ${MAX_PROFILE_REFS}); create a new profile instead`, { id });
  const stored = await storeReference(dataDir, id, ref.image);
  const taken = db.prepare('SELECT name FROM profile_refs WHERE profile_id = ? AND sha256 = ?').get(id, stored.sha256) as { name: string } | undefined;
  if (taken) throw new AppError('Conflict', `this image is already a reference of the profile (${taken.name})`, { id });
  const pos = (db.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM profile_refs WHERE profile_id = ?').get(id) as { p: number }).p;
  db.prepare(`INSERT INTO profile_refs (profile_id, sha256, position, name, path, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(id, stored.sha256, pos, ref.name, stored.path, ref.image.width, ref.image.height, Date.now());
  try {
    return await reanalyseProfile(db, dataDir, id, { embedder: options.embedder ?? null, reason: 'add-reference' });
  } catch (err) {
    // No new version without its reference and no reference without its version.
    db.prepare('DELETE FROM profile_refs WHERE profile_id = ? AND sha256 = ?').run(id, stored.sha256);
    throw err;
  }
}

/** Records on a batch which profile version it uses (batches.profile_id / profile_version). */
export function recordBatchProfile(db: Database, batchId: string, profile: Pick<StyleProfile, 'id' | 'version'>): void {
  if (!profile.id) throw new AppError('BadInput', 'an unsaved profile cannot be recorded on a batch; save it first');
  const res = db.prepare('UPDATE batches SET profile_id = ?, profile_version = ?, updated_at = ? WHERE id = ?').run(profile.id, profile.version, Date.now(), batchId);
  if (res.changes === 0) throw new AppError('NotFound', `no batch ${batchId}`, { batchId });
}

function insertVersion(db: Database, p: StyleProfile, edits: ProfileEdits, reason: string): void {
  if (!p.id) throw new AppError('Internal', 'profile id missing');
  const data: StyleProfileData = {
    k: p.k, palette: p.palette, params: p.params, edge: p.edge, maxClippedShare: p.maxClippedShare,
    calibration: p.calibration, clipModel: p.clipModel, references: p.references,
  };
  db.prepare(`INSERT INTO profiles (id, version, name, data, clip_centroid, clip_model, locks, edits, reason, created_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    p.id, p.version, p.name, JSON.stringify(data), p.clipCentroid ? float32ToBlob(p.clipCentroid) : null,
    p.clipModel?.modelId ?? null, JSON.stringify(p.locks), JSON.stringify(edits), reason, p.createdAt,
  );
}

function nextVersion(db: Database, id: string): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM profiles WHERE id = ?').get(id) as { v: number | null };
  return (row.v ?? 0) + 1;
}

function paletteFromEdit(colours: { hex: string; weight: number }[]): StyleProfile['palette'] {
  if (colours.length === 0) throw new AppError('BadInput', 'an edited palette needs at least one colour');
  const total = colours.reduce((s, c) => s + Math.max(0, c.weight), 0);
  return colours.map((c) => {
    const rgb = hexToRgb(c.hex);
    if (!rgb) throw new AppError('BadInput', `palette colour ${JSON.stringify(c.hex)} is not a #rrggbb hex value`, { hex: c.hex });
    return paletteColourFromHex(c.hex.startsWith('#') ? c.hex : `#${c.hex}`, total > 0 ? Math.max(0, c.weight) / total : 1 / colours.length, rgb);
  });
}

async function toNamed(r: ReferenceInput): Promise<NamedImage & { image: RgbImage }> {
  if (typeof r !== 'string') return r;
  return { name: r, image: await decodeImage(r) };
}

function float32ToBlob(v: Float32Array): Buffer {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf;
}

function blobToFloat32(b: Buffer): Float32Array {
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}
