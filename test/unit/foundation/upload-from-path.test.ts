import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { importUploadFromPath } from '../../../main/uploads/upload-from-path.ts';
import { UPLOAD_LIMITS } from '../../../main/uploads/upload-limits.ts';
import { receiveUpload } from '../../../main/uploads/upload-store.ts';

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const original = { ...UPLOAD_LIMITS };

function fresh(): { lib: string; src: string } {
  const root = mkdtempSync(join(tmpdir(), 'aq-from-path-'));
  const lib = join(root, 'lib');
  const src = join(root, 'src');
  mkdirSync(lib);
  mkdirSync(src);
  return { lib, src };
}

/** Nothing may be left under <library>/uploads after a refused import, not even a .part file. */
function leftovers(lib: string): string[] {
  try {
    return readdirSync(join(lib, 'uploads'), { recursive: true }).map(String);
  } catch {
    return [];
  }
}

afterEach(() => Object.assign(UPLOAD_LIMITS, original));

describe('importUploadFromPath (Electron uploads streamed from disk)', () => {
  it('stores a real PNG by its content and a CSV by its text', async () => {
    const { lib, src } = fresh();
    writeFileSync(join(src, 'ref'), PNG_HEAD);
    writeFileSync(join(src, 'rows.csv'), 'a,b\n1,2\n');
    const png = await importUploadFromPath(lib, join(src, 'ref'));
    expect(png).toMatchObject({ name: 'ref.png', kind: 'image', size: PNG_HEAD.length });
    expect(readFileSync(join(lib, 'uploads', png.uploadId, 'ref.png'))).toEqual(PNG_HEAD);
    expect(await importUploadFromPath(lib, join(src, 'rows.csv'))).toMatchObject({ name: 'rows.csv', kind: 'csv' });
  });

  it('refuses HTML renamed .png after streaming it, and removes the partial file', async () => {
    const { lib, src } = fresh();
    writeFileSync(join(src, 'evil.png'), '<!DOCTYPE html><script>alert(1)</script>');
    await expect(importUploadFromPath(lib, join(src, 'evil.png'))).rejects.toThrow(/not a CSV \(text\) file or a PNG/);
    expect(leftovers(lib)).toEqual([]);
  });

  it('refuses a directory, a FIFO, a device and a link to a device without reading them', async () => {
    const { lib, src } = fresh();
    await expect(importUploadFromPath(lib, src)).rejects.toThrow(/is a folder/);
    const fifo = join(src, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    // Would hang forever waiting for a writer if it were opened for reading.
    await expect(importUploadFromPath(lib, fifo)).rejects.toThrow(/not a regular file/);
    await expect(importUploadFromPath(lib, '/dev/zero')).rejects.toThrow(/not a regular file/);
    symlinkSync('/dev/urandom', join(src, 'photo.png'));
    await expect(importUploadFromPath(lib, join(src, 'photo.png'))).rejects.toThrow(/not a regular file/);
    expect(leftovers(lib)).toEqual([]);
  });

  it('refuses a relative path and a missing file', async () => {
    const { lib } = fresh();
    await expect(importUploadFromPath(lib, 'rows.csv')).rejects.toThrow(/absolute/);
    await expect(importUploadFromPath(lib, '/no/such/file.csv')).rejects.toThrow(/could not be read/);
  });

  it('refuses a file over the per-file limit before reading it', async () => {
    const { lib, src } = fresh();
    UPLOAD_LIMITS.maxFileBytes = 1024;
    writeFileSync(join(src, 'big.png'), Buffer.concat([PNG_HEAD, Buffer.alloc(2048)]));
    await expect(importUploadFromPath(lib, join(src, 'big.png'))).rejects.toThrow(/limit per file/);
    expect(leftovers(lib)).toEqual([]);
  });

  it('streams a large file with flat memory (never the whole file in memory)', async () => {
    const { lib, src } = fresh();
    const size = 140 * 1024 * 1024; // just under the 150 MiB per-file limit
    const path = join(src, 'large.png');
    // A sparse file: a PNG signature then zeros; takes no disk until the copy is written.
    const fd = openSync(path, 'w');
    writeSync(fd, PNG_HEAD);
    ftruncateSync(fd, size);
    closeSync(fd);
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
    try {
      const up = await importUploadFromPath(lib, path);
      expect(up.size).toBe(size);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    // A whole-file read would hold all 140 MiB at once. Streamed, only a few chunks are live, but
    // spent chunks wait for the GC, which V8 runs after ~64 MiB of new external memory: hence the
    // margin rather than a few MiB.
    expect(peak - baseline).toBeLessThan(100 * 1024 * 1024);
  });

  it('removes the partial file when the read fails half way (the shared receiveUpload path)', async () => {
    const { lib } = fresh();
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.concat([PNG_HEAD, Buffer.alloc(64 * 1024)]);
      throw new Error('EIO: the disk went away');
    }
    await expect(receiveUpload(lib, 'half.png', Readable.from(failing()), 128 * 1024)).rejects.toThrow(/EIO/);
    expect(leftovers(lib)).toEqual([]);
  });
});
