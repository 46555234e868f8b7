import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { getSetting, setSetting } from '../db/settings-repo.ts';
import { createFileKeyStore } from '../llm/file-key-store.ts';
import { parseRedisUrl, redactUrl } from './redis-connection.ts';
import { parseStoreUrl, redactStoreUrl } from './store-url.ts';

/**
 * Settings → Distributed. The switches live in the settings table; the two URLs carry
 * passwords and keys, so they live in a 0600 secret file in the data folder (the same store
 * the CLI reads), and only their redacted form ever reaches the UI or a log.
 */
/** Upper bound of Settings → Distributed "jobs in flight"; the app's engine runs this many generation loops, capped live. */
export const MAX_IN_FLIGHT = 256;

export const DistributedFlagsSchema = z.object({
  enabled: z.boolean(),
  /** This machine also takes jobs (an in-process worker over its own GPU). */
  generateLocally: z.boolean(),
  /** At most this many claimed attempts queued for workers at once (the coordinator keeps about 2 per live worker slot). */
  maxInFlight: z.number().int().min(1).max(MAX_IN_FLIGHT),
});
export type DistributedFlags = z.infer<typeof DistributedFlagsSchema>;

export interface DistributedConfig extends DistributedFlags {
  redisUrl: string;
  storeUrl: string;
}

const KEY = 'distributed';
const DEFAULTS: DistributedFlags = { enabled: false, generateLocally: true, maxInFlight: 32 };

export async function loadDistributedConfig(db: Database, dataRoot: string): Promise<DistributedConfig> {
  const flags = DistributedFlagsSchema.safeParse({ ...DEFAULTS, ...getSetting<Partial<DistributedFlags>>(db, KEY, {}) });
  const raw = await createFileKeyStore(dataRoot, 'distributed').get().catch(() => null);
  let urls = { redisUrl: '', storeUrl: '' };
  try {
    if (raw) urls = { ...urls, ...(JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Partial<typeof urls>) };
  } catch {
    // an unreadable secret file counts as "not configured"
  }
  return { ...(flags.success ? flags.data : DEFAULTS), ...urls };
}

/** Validates and saves; an empty URL keeps the stored one (the UI never sees the secret to send it back). */
export async function saveDistributedConfig(db: Database, dataRoot: string, patch: Partial<DistributedConfig>): Promise<DistributedConfig> {
  const cur = await loadDistributedConfig(db, dataRoot);
  const next: DistributedConfig = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== '')) };
  if (next.redisUrl) parseRedisUrl(next.redisUrl);
  if (next.storeUrl) parseStoreUrl(next.storeUrl);
  const flags = DistributedFlagsSchema.parse({ enabled: next.enabled, generateLocally: next.generateLocally, maxInFlight: next.maxInFlight });
  setSetting(db, KEY, flags);
  // base64: the key store refuses quotes and spaces (it guards pasted API keys).
  await createFileKeyStore(dataRoot, 'distributed').set(Buffer.from(JSON.stringify({ redisUrl: next.redisUrl, storeUrl: next.storeUrl })).toString('base64'));
  return next;
}

export function redactedConfig(c: DistributedConfig): DistributedFlags & { redisUrl: string; storeUrl: string } {
  return { enabled: c.enabled, generateLocally: c.generateLocally, maxInFlight: c.maxInFlight, redisUrl: c.redisUrl ? redactUrl(c.redisUrl) : '', storeUrl: c.storeUrl ? redactStoreUrl(c.storeUrl) : '' };
}
