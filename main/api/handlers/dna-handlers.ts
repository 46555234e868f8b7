import { basename } from 'node:path';
import type { ProfileDetail, ProfileParam, ProfileSummary } from '../../../preload/api.ts';
import type { AppServices } from '../app-services.ts';
import type { RequestContext } from '../registry.ts';
import { AppError } from '../../core/app-error.ts';
import { createProfile, getProfile, listProfiles, updateProfileParams, type ProfileEdits } from '../../dna/profile-repo.ts';
import { profileHistory } from '../../dna/profile-history.ts';
import { addAssetToReferences } from '../../dna/add-asset-reference.ts';
import { PARAM_KEYS, type LockKey, type ParamKey, type StyleProfile } from '../../dna/style-profile.ts';
import { styleKeywords } from '../../dna/style-keywords.ts';
import { getUpload } from '../../uploads/upload-store.ts';

const GROUP: Record<ParamKey, ProfileParam['group']> = {
  meanLuminance: 'lighting', contrast: 'lighting', temperature: 'lighting', saturation: 'lighting',
  flatness: 'texture', edgeDensity: 'texture', uniformity: 'texture',
  symmetryLR: 'composition', symmetryTB: 'composition', thirdsEnergy: 'composition',
  massX: 'composition', massY: 'composition', negativeSpace: 'composition',
};
const LABEL: Record<ParamKey, string> = {
  meanLuminance: 'Mean luminance', contrast: 'Contrast', temperature: 'Warm / cool', saturation: 'Saturation',
  flatness: 'Flatness', edgeDensity: 'Edge density', uniformity: 'Texture uniformity',
  symmetryLR: 'Left–right symmetry', symmetryTB: 'Top–bottom symmetry', thirdsEnergy: 'Rule-of-thirds energy',
  massX: 'Visual mass (x)', massY: 'Visual mass (y)', negativeSpace: 'Negative space',
};

function summary(p: StyleProfile): ProfileSummary {
  return {
    id: p.id ?? '', version: p.version, name: p.name, createdAt: new Date(p.createdAt).toISOString(),
    refCount: p.references.length, palette: p.palette.map((c) => ({ hex: c.hex, name: c.name, weight: c.weight, lab: c.lab })),
  };
}

export function profileDetail(s: AppServices, p: StyleProfile, ctx: RequestContext): ProfileDetail {
  const id = p.id ?? '';
  const refs = s.app.db.prepare('SELECT name, path, width, height FROM profile_refs WHERE profile_id = ? ORDER BY position').all(id) as { name: string; path: string; width: number; height: number }[];
  const versions = (s.app.db.prepare('SELECT version FROM profiles WHERE id = ? ORDER BY version').all(id) as { version: number }[]).map((r) => r.version);
  const drift = s.app.db.prepare(`
    SELECT b.id AS batchId, b.name AS batchName, b.created_at AS createdAt,
      (SELECT avg(a.style_score) FROM assets a WHERE a.batch_id = b.id AND a.is_current = 1) AS meanStyleScore,
      (SELECT CAST(sum(t.state IN ('ready','tagging','passed','approved')) AS REAL) / NULLIF(sum(t.state IN ('ready','tagging','passed','approved','dlq','rejected')), 0)
         FROM tasks t WHERE t.batch_id = b.id) AS passRate
    FROM batches b WHERE b.profile_id = ? ORDER BY b.created_at`).all(id) as { batchId: string; batchName: string; createdAt: number; meanStyleScore: number | null; passRate: number | null }[];
  return {
    ...summary(p),
    refs: refs.map((r) => ({ url: ctx.fileUrl(r.path), name: basename(r.name), width: r.width, height: r.height })),
    params: PARAM_KEYS.map((k) => ({
      key: k, label: LABEL[k], group: GROUP[k], value: p.params[k].mean, min: p.params[k].min, max: p.params[k].max,
      spread: p.params[k].spread, locked: p.locks.includes(k),
    })),
    keywords: styleKeywords(p),
    clipAvailable: p.clipCentroid !== null,
    versions,
    drift: drift.map((d) => ({ ...d, createdAt: new Date(d.createdAt).toISOString() })),
    history: profileHistory(s.app.db, id).map((h) => ({
      ...h,
      createdAt: new Date(h.createdAt).toISOString(),
      params: h.params.map((c) => ({ ...c, label: LABEL[c.key] })),
    })),
  };
}

/** UI edits: "<param>.min" / "<param>.max" set a bound; "<param>" moves the range to centre on a value. */
function toEdits(p: StyleProfile, edits: Record<string, number>): ProfileEdits {
  const params: NonNullable<ProfileEdits['params']> = {};
  for (const [key, value] of Object.entries(edits)) {
    const [name, bound] = key.split('.') as [string, string | undefined];
    if (!(PARAM_KEYS as readonly string[]).includes(name)) throw new AppError('BadInput', `unknown profile parameter '${name}' (known: ${PARAM_KEYS.join(', ')})`);
    const k = name as ParamKey;
    const range = p.params[k];
    const cur = params[k] ?? {};
    if (bound === 'min') cur.min = value;
    else if (bound === 'max') cur.max = value;
    else if (bound === undefined) {
      const half = (range.max - range.min) / 2;
      cur.min = value - half;
      cur.max = value + half;
    } else throw new AppError('BadInput', `unknown bound '${bound}' for ${name} (use .min or .max)`);
    params[k] = cur;
  }
  return { params };
}

export function registerDnaHandlers(s: AppServices): void {
  s.registry.handle('profiles.list', () => {
    return listProfiles(s.app.db).map((p) => summary(getProfile(s.app.db, p.id, p.version)));
  });
  s.registry.handle('profiles.get', ({ id, version }, ctx) => profileDetail(s, getProfile(s.app.db, id, version), ctx));
  s.registry.handle('profiles.create', async ({ name, refUploadIds }, ctx) => {
    const files = refUploadIds.map((u) => getUpload(s.app.dataDir.library, u).path);
    const embedder = await s.inference.embedder().catch(() => null);
    const profile = await createProfile(s.app.db, s.app.dataDir, files, { name, embedder });
    return profileDetail(s, profile, ctx);
  });
  s.registry.handle('library.addToRefs', async ({ assetId, profileId }, ctx) => {
    const embedder = await s.inference.embedder().catch(() => null);
    const profile = await addAssetToReferences(s.app, assetId, { ...(profileId ? { profileId } : {}), embedder });
    return profileDetail(s, profile, ctx);
  });
  s.registry.handle('profiles.update', ({ id, edits, locks }, ctx) => {
    const current = getProfile(s.app.db, id);
    const lockSet = new Set<LockKey>(current.locks);
    for (const [k, on] of Object.entries(locks)) {
      if (k !== 'palette' && !(PARAM_KEYS as readonly string[]).includes(k)) throw new AppError('BadInput', `cannot lock unknown parameter '${k}'`);
      if (on) lockSet.add(k as LockKey);
      else lockSet.delete(k as LockKey);
    }
    return profileDetail(s, updateProfileParams(s.app.db, id, toEdits(current, edits), [...lockSet]), ctx);
  });
}
