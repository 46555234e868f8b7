import { existsSync, mkdtempSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getUpload, pruneUploads, putUpload, safeFileName } from '../../../main/uploads/upload-store.ts';

const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

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
    const old = putUpload(lib, 'old.png', PNG_HEAD);
    const fresh = putUpload(lib, 'new.png', PNG_HEAD);
    const past = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(join(lib, 'uploads', old.uploadId), past, past);
    expect(pruneUploads(lib)).toBe(1);
    expect(existsSync(join(lib, 'uploads', old.uploadId))).toBe(false);
    expect(existsSync(join(lib, 'uploads', fresh.uploadId))).toBe(true);
  });

  it('decides the type by content: refuses markup and binary junk, renames a mislabelled image', () => {
    const lib = mkdtempSync(join(tmpdir(), 'aq-up-'));
    expect(() => putUpload(lib, 'a.csv', Buffer.from('<!DOCTYPE html><p>hi'))).toThrow(/not a CSV \(text\) file/);
    expect(() => putUpload(lib, 'a.svg', Buffer.from('<?xml version="1.0"?><svg/>'))).toThrow(/not a CSV/);
    expect(() => putUpload(lib, 'a.png', Buffer.from([0, 1, 2, 3, 0, 0, 0]))).toThrow(/not a CSV/);
    expect(putUpload(lib, 'evil.svg', PNG_HEAD)).toMatchObject({ name: 'evil.svg.png', kind: 'image' });
    expect(putUpload(lib, 'shot.jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toMatchObject({ name: 'shot.jpeg', kind: 'image' });
    expect(putUpload(lib, 'data', Buffer.from('\ufeffname;colour\r\nsword;red\r\n'))).toMatchObject({ name: 'data.csv', kind: 'csv' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name\tcolour\n', 'utf16le')]);
    expect(putUpload(lib, 'excel.txt', utf16)).toMatchObject({ name: 'excel.txt', kind: 'csv' });
  });

  it('cleans names', () => {
    expect(safeFileName('C:\\Users\\me\\ref 1.png')).toBe('ref 1.png');
    expect(safeFileName('...')).toBe('upload');
    expect(safeFileName('a<b>:c.png')).toBe('a_b_c.png');
  });
});
