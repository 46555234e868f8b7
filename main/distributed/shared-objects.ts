import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../core/app-error.ts';
import type { StyleProfile } from '../dna/style-profile.ts';
import type { S3SyncConfig } from '../library/sync/s3-config.ts';
import { sha256Hex, type WorkStore } from './work-store.ts';

/**
 * Objects the coordinator puts in the store once and every worker reads: style profiles (for
 * scoring on the worker) and LoRA files (for baking pack variants). Keys are content hashes, so
 * an object is never overwritten with other bytes and a reader verifies what it got.
 */
export function sharedObjectKey(config: S3SyncConfig, kind: 'profiles' | 'loras', sha256: string, ext: 'json' | 'safetensors'): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('BadInput', `not a sha256: ${sha256.slice(0, 80)}`);
  const prefix = config.prefix.replace(/\/+$/, '');
  return `${prefix ? `${prefix}/` : ''}shared/${kind}/${sha256}.${ext}`;
}

/** A profile as JSON; the CLIP centroid as plain numbers (float32 values survive JSON exactly). */
export function profileToWire(p: StyleProfile): Buffer {
  return Buffer.from(JSON.stringify({ ...p, clipCentroid: p.clipCentroid ? Array.from(p.clipCentroid) : null }));
}

export function profileFromWire(buf: Buffer): StyleProfile {
  const raw = JSON.parse(buf.toString('utf8')) as Omit<StyleProfile, 'clipCentroid'> & { clipCentroid: number[] | null };
  if (!raw || typeof raw !== 'object' || !raw.palette || !raw.calibration) throw new AppError('BadInput', 'the style profile object in the store is not a profile');
  return { ...raw, clipCentroid: raw.clipCentroid ? Float32Array.from(raw.clipCentroid) : null };
}

/** Large objects get a request timeout that grows with their size (≥ 1 MB/s assumed). */
export const largeTimeoutMs = (bytes: number): number => 15_000 + Math.ceil(bytes / 1_000_000) * 1000;

/** Uploads each object once per process (and not at all when another coordinator already did). */
export class SharedObjects {
  private readonly done = new Map<string, Promise<string>>();
  constructor(private readonly store: WorkStore) {}

  /** The profile's store key (uploaded when missing). */
  profile(p: StyleProfile): Promise<string> {
    const body = profileToWire(p);
    const key = sharedObjectKey(this.store.config, 'profiles', sha256Hex(body), 'json');
    return this.once(key, () => this.store.put(key, body, 'application/json'));
  }

  /** A LoRA file's store key by its content hash (uploaded when missing; the file is verified first). */
  lora(l: { sha256: string; path: string; bytes: number }): Promise<string> {
    const key = sharedObjectKey(this.store.config, 'loras', l.sha256, 'safetensors');
    return this.once(key, async () => {
      // Whole-file PUT: LoRAs are tens to a few hundred MB (S3 allows 5 GB in one PUT).
      const body = await readFile(l.path);
      if (sha256Hex(body) !== l.sha256) throw new AppError('BadInput', `LoRA file ${l.path} changed since it was imported (sha256 differs): import it again`);
      await this.store.put(key, body, 'application/octet-stream', undefined, largeTimeoutMs(body.length));
    });
  }

  private once(key: string, upload: () => Promise<void>): Promise<string> {
    let p = this.done.get(key);
    if (!p) {
      p = (async () => {
        if (!(await this.store.exists(key))) await upload();
        return key;
      })();
      p.catch(() => this.done.delete(key));
      this.done.set(key, p);
    }
    return p;
  }
}

/** Reads a content-addressed object and checks its bytes against the hash in its key. */
export async function getVerified(store: WorkStore, key: string, sha256: string, bytes?: number): Promise<Buffer> {
  const body = await store.get(key, undefined, largeTimeoutMs(bytes ?? 0));
  const got = createHash('sha256').update(body).digest('hex');
  if (got !== sha256) throw new AppError('Unavailable', `store object ${key} has sha256 ${got.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…`);
  return body;
}
