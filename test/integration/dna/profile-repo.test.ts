import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../main/db/database.ts';
import { resolveDataDir, type DataDir } from '../../../main/core/data-dir.ts';
import { AppError } from '../../../main/core/app-error.ts';
import { createProfile, getProfile, listProfiles, reanalyseProfile, recordBatchProfile, updateProfileParams } from '../../../main/dna/profile-repo.ts';
import { scoreImage } from '../../../main/dna/score.ts';
import { styleKeywords } from '../../../main/dna/style-keywords.ts';
import { decodeImage } from '../../../workers/analysis/decode-image.ts';

const img = (n: string): string => resolve(process.cwd(), '../shared/data/images', n);

describe('style profile storage (real SQLite file)', () => {
  let root: string;
  let dataDir: DataDir;
  let db: Database;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'assetql-dna-'));
    dataDir = resolveDataDir(root);
    db = openDatabase(dataDir.dbPath);
  });
  afterEach(() => {
    db.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates, stores references, versions, locks and re-analyses', async () => {
    // An EXIF-rotated JPEG reference: the stored copy must be upright and metadata-free.
    const rotated = await sharp(img('chelsea.png')).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
    const created = await createProfile(db, dataDir, [img('coffee.png'), { name: 'chelsea-rotated.jpg', image: await decodeImage(rotated) }], { name: 'Warm cafe' });
    expect(created.id).toMatch(/^prf_/);
    expect(created.version).toBe(1);
    expect(created.references.map((r) => [r.width, r.height])).toEqual([[600, 400], [300, 451]]);
    expect(created.clipCentroid).toBeNull();
    expect(created.calibration.refCount).toBe(2);
    expect(created.calibration.colourTypicalDistance).toBeGreaterThan(0);

    const refs = db.prepare('SELECT sha256, path FROM profile_refs WHERE profile_id = ? ORDER BY position').all(created.id) as { sha256: string; path: string }[];
    expect(refs).toHaveLength(2);
    for (const r of refs) {
      const file = join(dataDir.library, r.path);
      expect(r.path).toBe(join('refs', created.id ?? '', `${r.sha256}.png`));
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(r.sha256);
      const meta = await sharp(file).metadata();
      expect(meta.format).toBe('png');
      expect(meta.orientation).toBeUndefined();
      expect(meta.exif).toBeUndefined();
    }

    // Round trip through the database.
    const loaded = getProfile(db, created.id ?? '');
    expect(loaded).toEqual(created);

    // Edit and lock: a new version; the old one is kept.
    const edited = updateProfileParams(db, created.id ?? '', { params: { meanLuminance: { min: 0.2, max: 0.3 } }, palette: [{ hex: '#112233', weight: 3 }, { hex: 'ffeedd', weight: 1 }] }, ['meanLuminance', 'palette']);
    expect(edited.version).toBe(2);
    expect(edited.params.meanLuminance).toMatchObject({ min: 0.2, max: 0.3, mean: 0.3 });
    expect(edited.palette.map((c) => [c.hex, c.weight])).toEqual([['#112233', 0.75], ['#ffeedd', 0.25]]);
    expect(edited.locks).toEqual(['meanLuminance', 'palette']);
    expect(getProfile(db, created.id ?? '', 1).params.meanLuminance).toEqual(created.params.meanLuminance);

    // Re-analysis from the stored copies: unlocked values come back, locked ones stay.
    const again = await reanalyseProfile(db, dataDir, created.id ?? '');
    expect(again.version).toBe(3);
    expect(again.params.meanLuminance).toEqual(edited.params.meanLuminance);
    expect(again.palette).toEqual(edited.palette);
    expect(again.params.contrast.mean).toBeCloseTo(created.params.contrast.mean, 6);
    expect(again.locks).toEqual(['meanLuminance', 'palette']);

    expect(listProfiles(db)).toEqual([expect.objectContaining({ id: created.id, name: 'Warm cafe', version: 3, refCount: 2, hasClip: false })]);

    // A batch records the version it used.
    db.prepare(`INSERT INTO batches (id, name, config, created_at, updated_at) VALUES ('b1', 'batch', '{}', 0, 0)`).run();
    recordBatchProfile(db, 'b1', edited);
    expect(db.prepare('SELECT profile_id, profile_version FROM batches WHERE id = ?').get('b1')).toEqual({ profile_id: created.id, profile_version: 2 });

    // Scores use the stored profile; a stored reference scores as on-brand.
    const s = await scoreImage(await decodeImage(img('coffee.png')), created);
    expect(s.pass.styleScore).toBe(true);
    expect(s.profile).toEqual({ id: created.id, version: 1 });
    expect(styleKeywords(created).lighting).toContain('warm tones');
  });

  it('rejects bad edits and unknown ids with clear errors', async () => {
    const p = await createProfile(db, dataDir, [img('rocket.jpg')], { name: 'Launch' });
    const bad = (f: () => unknown): AppError => {
      try { f(); } catch (e) { return e as AppError; }
      throw new Error('expected an error');
    };
    expect(bad(() => updateProfileParams(db, p.id ?? '', { params: { contrast: { min: 0.5, max: 0.1 } } })).message).toMatch(/contrast.*min 0.5.*max 0.1/);
    expect(bad(() => updateProfileParams(db, p.id ?? '', { palette: [{ hex: 'blue', weight: 1 }] })).message).toContain('"blue"');
    expect(bad(() => getProfile(db, 'prf_nope')).kind).toBe('NotFound');
    expect(bad(() => getProfile(db, p.id ?? '', 9)).message).toContain('version 9');
    await expect(createProfile(db, dataDir, [img('truncated.jpg')], { name: 'x' })).rejects.toThrow(/truncated\.jpg/);
    expect(existsSync(join(dataDir.library, 'refs', p.id ?? ''))).toBe(true);
  });
});
