import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { describe, expect, it } from 'vitest';
import { ZIP_CHUNK_BYTES, ZipStreamWriter } from '../../../main/library/export/zip-stream-writer.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('ZipStreamWriter', () => {
  it('writes multi-chunk stored and deflated entries with correct CRC, sizes and hashes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assetql-zipw-'));
    const big = randomBytes(ZIP_CHUNK_BYTES * 2 + 123); // spans three reads
    const empty = Buffer.alloc(0);
    await writeFile(join(dir, 'big.bin'), big);
    await writeFile(join(dir, 'empty.bin'), empty);
    const out = await open(join(dir, 'a.zip'), 'wx');
    let counted = 0;
    const zip = new ZipStreamWriter(out, (n) => (counted += n));
    const mtime = new Date(2024, 4, 6, 7, 8, 10);
    const results = [];
    for (const name of ['big.bin', 'empty.bin']) {
      const src = await open(join(dir, name), 'r');
      results.push(await zip.addFile(`d/${name}`, src, mtime));
      await src.close();
    }
    const text = Buffer.from('héllo '.repeat(1000));
    await zip.addBuffer('t.txt', text);
    const archive = await zip.finish();
    await out.close();

    expect(results).toEqual([
      { sha256: sha(big), bytes: big.length },
      { sha256: sha(empty), bytes: 0 },
    ]);
    const file = await readFile(join(dir, 'a.zip'));
    expect(archive).toEqual({ sha256: sha(file), bytes: file.length });
    expect(counted).toBe(file.length);

    const z = await yauzl.openPromise(join(dir, 'a.zip'), { strictFileNames: true, validateEntrySizes: true });
    const seen: { name: string; method: number; crc: number; data: Buffer; mtime: Date }[] = [];
    for await (const e of z.eachEntry()) {
      const chunks: Buffer[] = [];
      for await (const c of await z.openReadStreamPromise(e)) chunks.push(c as Buffer);
      seen.push({ name: e.fileName, method: e.compressionMethod, crc: e.crc32, data: Buffer.concat(chunks), mtime: e.getLastModDate() });
    }
    z.close();
    expect(seen.map((s) => [s.name, s.method])).toEqual([['d/big.bin', 0], ['d/empty.bin', 0], ['t.txt', 8]]);
    for (const [s, data] of seen.map((s, i) => [s, [big, empty, text][i]!] as const)) {
      expect(s.data.equals(data)).toBe(true);
      expect(s.crc).toBe(crc32(data));
    }
    expect(seen[0]!.mtime.getTime()).toBe(mtime.getTime());
  });

  it('stops mid-entry when checkAbort throws, with no read left pending', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assetql-zipw-'));
    await writeFile(join(dir, 'big.bin'), randomBytes(ZIP_CHUNK_BYTES * 3));
    const out = await open(join(dir, 'a.zip'), 'wx');
    const zip = new ZipStreamWriter(out);
    const src = await open(join(dir, 'big.bin'), 'r');
    let calls = 0;
    await expect(
      zip.addFile('big.bin', src, new Date(), () => {
        if (++calls === 2) throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    await src.close();
    await zip.settle();
    await out.close();
    expect((await readFile(join(dir, 'a.zip'))).length).toBeLessThan(ZIP_CHUNK_BYTES * 2);
  });
});
