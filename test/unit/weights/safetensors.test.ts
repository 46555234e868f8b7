import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../models/safetensors/safetensors-file.ts';
import { writeSafetensors } from '../../../models/safetensors/write-safetensors.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assetql-st-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A file with a hand-written header, for the corruptions a writer would never produce. */
async function raw(name: string, header: unknown, dataBytes: number): Promise<string> {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const path = join(dir, name);
  await writeFile(path, Buffer.concat([len, json, Buffer.alloc(dataBytes)]));
  return path;
}

describe('safetensors reader', () => {
  it('reads F32, F16 and BF16 tensors and the metadata', async () => {
    const path = join(dir, 'ok.safetensors');
    await writeSafetensors(
      path,
      [
        { name: 'a', shape: [2, 2], dtype: 'F32', values: [1, -2, 3.5, 0.25] },
        { name: 'b', shape: [3], dtype: 'F16', values: [0.5, -1, 2048] },
        { name: 'c', shape: [2], dtype: 'BF16', values: [1.5, -3] },
      ],
      { 'ss_tag_frequency': '{}' },
    );
    const f = await SafetensorsFile.open(path);
    try {
      expect([...f.tensors.keys()]).toEqual(['a', 'b', 'c']);
      expect(f.metadata).toEqual({ ss_tag_frequency: '{}' });
      expect(Array.from(await f.readFloat32('a'))).toEqual([1, -2, 3.5, 0.25]);
      expect(Array.from(await f.readFloat32('b'))).toEqual([0.5, -1, 2048]);
      expect(Array.from(await f.readFloat32('c'))).toEqual([1.5, -3]);
      await expect(f.readRaw('missing')).rejects.toThrow(/no tensor named "missing"/);
    } finally {
      await f.close();
    }
  });

  it('refuses a corrupt header, naming the file', async () => {
    const path = await raw('corrupt.safetensors', '{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]', 4);
    await expect(SafetensorsFile.open(path)).rejects.toThrow(new RegExp(`${path}: corrupt header: not valid JSON`));
  });

  it('refuses a header length larger than the cap or the file', async () => {
    const big = join(dir, 'huge.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(1n << 40n);
    await writeFile(big, Buffer.concat([len, Buffer.from('{}')]));
    await expect(SafetensorsFile.open(big)).rejects.toThrow(/exceeds the 104857600-byte limit/);
    const short = join(dir, 'short.safetensors');
    len.writeBigUInt64LE(500n);
    await writeFile(short, Buffer.concat([len, Buffer.from('{}')]));
    await expect(SafetensorsFile.open(short)).rejects.toThrow(/truncated: header length 500 runs past the end/);
  });

  it('refuses overlapping offsets', async () => {
    const path = await raw('overlap.safetensors', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12);
    await expect(SafetensorsFile.open(path)).rejects.toThrow(/overlap\.safetensors: overlapping offsets: tensors "a" and "b" share bytes/);
  });

  it('refuses a truncated file (offsets past its end)', async () => {
    const path = join(dir, 'trunc.safetensors');
    await writeSafetensors(path, [{ name: 'w', shape: [64], dtype: 'F32', values: new Float32Array(64) }]);
    await truncate(path, 100);
    await expect(SafetensorsFile.open(path)).rejects.toThrow(/trunc\.safetensors: out-of-range offsets: tensor "w" ends at data byte 256/);
  });

  it('refuses a size that does not match dtype × shape, and unknown dtypes', async () => {
    const p1 = await raw('size.safetensors', { a: { dtype: 'F16', shape: [3], data_offsets: [0, 4] } }, 4);
    await expect(SafetensorsFile.open(p1)).rejects.toThrow(/tensor "a" is 4 bytes but F16\[3\] needs 6/);
    const p2 = await raw('dtype.safetensors', { a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1);
    await expect(SafetensorsFile.open(p2)).rejects.toThrow(/unsupported dtype "F8_E4M3"/);
  });
});
