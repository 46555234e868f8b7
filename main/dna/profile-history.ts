import type { Database } from 'better-sqlite3';
import { PARAM_KEYS, type ParamKey, type StyleProfileData } from './style-profile.ts';

export interface VersionChange {
  version: number;
  createdAt: number;
  reason: string;
  refCount: number;
  paletteAdded: string[];
  paletteRemoved: string[];
  /** Parameters whose centre moved, with the centre before and after. */
  params: { key: ParamKey; from: number; to: number }[];
}

/** Centres that differ by less than this are rounding noise of re-analysis, not a change. */
const EPSILON = 0.0005;

/**
 * How each version of a profile changed against the version before it: colours added and
 * removed from the palette, and parameter centres that moved. Version 1 lists its palette as
 * added and no parameter moves. Oldest first.
 */
export function profileHistory(db: Database, id: string): VersionChange[] {
  const rows = db.prepare('SELECT version, reason, data, created_at FROM profiles WHERE id = ? ORDER BY version').all(id) as {
    version: number;
    reason: string;
    data: string;
    created_at: number;
  }[];
  let prev: StyleProfileData | null = null;
  const out: VersionChange[] = [];
  for (const r of rows) {
    const data = JSON.parse(r.data) as StyleProfileData;
    const before = new Set((prev?.palette ?? []).map((c) => c.hex.toLowerCase()));
    const after = new Set(data.palette.map((c) => c.hex.toLowerCase()));
    out.push({
      version: r.version,
      createdAt: r.created_at,
      reason: r.reason,
      refCount: data.references.length,
      paletteAdded: [...after].filter((h) => !before.has(h)),
      paletteRemoved: [...before].filter((h) => !after.has(h)),
      params: prev
        ? PARAM_KEYS.flatMap((k) => {
            const from = prev!.params[k].mean;
            const to = data.params[k].mean;
            return Math.abs(to - from) > EPSILON ? [{ key: k, from, to }] : [];
          })
        : [],
    });
    prev = data;
  }
  return out;
}
