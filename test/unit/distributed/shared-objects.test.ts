import { describe, expect, it } from 'vitest';
import { formatWorkersTable } from '../../../main/distributed/format-workers.ts';
import { canonicalLoras } from '../../../main/distributed/pack-identity.ts';
import { profileFromWire, profileToWire, sharedObjectKey } from '../../../main/distributed/shared-objects.ts';
import type { WorkerAd } from '../../../main/distributed/worker-registry.ts';
import type { StyleProfile } from '../../../main/dna/style-profile.ts';
import type { S3SyncConfig } from '../../../main/library/sync/s3-config.ts';

const cfg = { bucket: 'b', prefix: 'team/dist/' } as S3SyncConfig;

describe('objects shared with workers', () => {
  it('keys are content hashes under <prefix>/shared/; anything else is refused', () => {
    const sha = 'ab'.repeat(32);
    expect(sharedObjectKey(cfg, 'loras', sha, 'safetensors')).toBe(`team/dist/shared/loras/${sha}.safetensors`);
    expect(sharedObjectKey({ ...cfg, prefix: '' }, 'profiles', sha, 'json')).toBe(`shared/profiles/${sha}.json`);
    expect(() => sharedObjectKey(cfg, 'loras', '../../etc/passwd', 'safetensors')).toThrow(/not a sha256/);
  });

  it('a profile survives the store exactly: the float32 centroid bit for bit', () => {
    const centroid = Float32Array.from([0.1, -1 / 3, Math.PI, 1e-38, 16777217, -2.5e-7]);
    const p = { id: 'p', version: 2, name: 'n', palette: [{ lab: [1, 2, 3], weight: 1 }], calibration: { clipTypicalCosine: 0.8 }, clipCentroid: centroid } as unknown as StyleProfile;
    const back = profileFromWire(profileToWire(p));
    expect(back.clipCentroid).toBeInstanceOf(Float32Array);
    expect(Buffer.from(back.clipCentroid!.buffer).equals(Buffer.from(centroid.buffer))).toBe(true);
    expect({ ...back, clipCentroid: null }).toEqual({ ...p, clipCentroid: null });
    expect(() => profileFromWire(Buffer.from('{"x":1}'))).toThrow(/not a profile/);
  });

  it('LoRAs are baked in one canonical order: content hash, then scale', () => {
    const l = (sha256: string, scale: number) => ({ sha256, scale, name: sha256, bytes: 1 });
    expect(canonicalLoras([l('bb', 1), l('aa', 0.7), l('aa', 0.5)]).map((x) => `${x.sha256}:${x.scale}`)).toEqual(['aa:0.5', 'aa:0.7', 'bb:1']);
  });

  it('assetql workers lists baked LoRA variants and CLIP packs next to the packs', () => {
    const w: WorkerAd = {
      id: 'w1', host: 'gpu-1', pid: 1, version: '1', provider: 'cuda', gpu: null, gpuMemoryMb: null,
      packs: [{ packId: 'sdxl', hash: '0123456789abcdef', version: '1' }],
      variants: [{ packId: 'sdxl', hash: '0123456789abcdef', loraKey: 'k', loras: [{ name: 'pixel', sha256: 'aa', scale: 0.8 }] }],
      clipPacks: [{ packId: 'clip-l', hash: 'fedcba9876543210' }],
      currentJob: null, imagesPerMin: 0, completed: 0, failed: 0, startedAt: 0, lastHeartbeat: 0, local: false,
    };
    expect(formatWorkersTable([w], 0)).toContain('sdxl@01234567, sdxl@01234567+pixel×0.8, clip:clip-l@fedcba98');
  });
});
