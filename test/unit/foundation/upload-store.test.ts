import { existsSync, mkdtempSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getUpload, pruneUploads, putUpload, safeFileName } from '../../../main/uploads/upload-store.ts';

describe('upload store', () => {
  it('stores bytes under a fresh id with a safe name and reads them back', () => {
    const lib = mkdtempSync(join(tmpdir(), 'aq-up-'));
    const up = putUpload(lib, '../../etc/passwd.csv', Buffer.from('a,b\n1,2\n'));
    expect(up.name).toBe('passwd.csv');
    expect(up.kind).toBe('csv');
    const got = getUpload(lib, up.uploadId);
    expect(got.path.startsWith(join(lib, 'uploads'))).toBe(true);
    expect(readFileSync(got.path, 'utf8')).toBe('a,b\n1,2\n');
    expect(got.relPath).toBe(`uploads/${up.uploadId}/passwd.csv`);
  });

  it('refuses empty uploads, unknown ids and traversal ids', () => {
    const lib = mkdtempSync(join(tmpdir(), 'aq-up-'));
    expect(() => putUpload(lib, 'x.png', Buffer.alloc(0))).toThrow(/empty/);
    expect(() => getUpload(lib, '00000000-0000-0000-0000-000000000000')).toThrow(/not found/);
    expect(() => getUpload(lib, '../../x')).toThrow(/not an upload id/);
  });

  it('prunes old uploads only', () => {
    const lib = mkdtempSync(join(tmpdir(), 'aq-up-'));
    const old = putUpload(lib, 'old.png', Buffer.from([1]));
    const fresh = putUpload(lib, 'new.png', Buffer.from([1]));
    const past = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(join(lib, 'uploads', old.uploadId), past, past);
    expect(pruneUploads(lib)).toBe(1);
    expect(existsSync(join(lib, 'uploads', old.uploadId))).toBe(false);
    expect(existsSync(join(lib, 'uploads', fresh.uploadId))).toBe(true);
  });

  it('cleans names', () => {
    expect(safeFileName('C:\\Users\\me\\ref 1.png')).toBe('ref 1.png');
    expect(safeFileName('...')).toBe('upload');
    expect(safeFileName('a<b>:c.png')).toBe('a_b_c.png');
  });
});
