import type { Database } from 'better-sqlite3';
import { SettingsSchema, type Settings } from '../../preload/api.ts';
import { getSetting, setSetting } from '../db/settings-repo.ts';

/** Defaults a new user gets; thresholds are the product spec's (REFERENCE.md → Image metrics). */
export const DEFAULT_SETTINGS: Settings = {
  thresholds: { style: 0.85, clip: 0.85, colour: 15, edge: 0.8, preflight: 0.75 },
  defaultPackId: null,
  clipPackId: null,
  executionProvider: 'auto',
  hotFolder: { enabled: false, path: '' },
  archiveAfterDays: 90,
  claude: { polish: false, visionTagging: false, model: 'claude-sonnet-4-5' },
  s3: { enabled: false, bucket: '', prefix: 'assetql', region: 'us-east-1', endpoint: '', publicBaseUrl: '', accessKeyId: '', storageClassForArchive: '' },
  alerts: { costUsd: 10 },
  exportRoot: '',
  purgeDeletedAfterDays: 30,
};

const KEY = 'app.settings';

export function loadSettings(db: Database): Settings {
  const stored = getSetting<Partial<Settings>>(db, KEY, {});
  const merged = deepMerge(DEFAULT_SETTINGS, stored) as Settings;
  // A setting saved by an older build may no longer validate: fall back field by field.
  const parsed = SettingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export function updateSettings(db: Database, patch: Record<string, unknown>): Settings {
  const next = deepMerge(loadSettings(db), patch);
  const parsed = SettingsSchema.parse(next);
  setSetting(db, KEY, parsed);
  return parsed;
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
