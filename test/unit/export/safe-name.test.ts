import { describe, expect, it } from 'vitest';
import { sanitizeBaseName, truncateUtf8, withCounter } from '../../../main/library/export/safe-name.ts';

describe('sanitizeBaseName', () => {
  it.each([
    ['../../evil', '_.._evil'],
    ['..', 'fallback'],
    ['/etc/passwd', '_etc_passwd'],
    ['C:\\Windows\\win.ini', 'C__Windows_win.ini'],
    ['a/b\\c', 'a_b_c'],
    ['name\u0000with\nnul', 'name_with_nul'],
    ['  trailing dots... ', 'trailing dots'],
    ['.hidden', 'hidden'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1', '_com1'],
    ['console', 'console'],
    ['ünïcødé 猫', 'ünïcødé 猫'],
    ['evil\u202egnp.exe', 'evilgnp.exe'],
    ['', 'fallback'],
    ['???', 'fallback'],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeBaseName(raw, 'fallback')).toBe(expected);
  });

  it('bounds very long names in UTF-8 bytes without splitting characters', () => {
    const long = '猫'.repeat(500);
    const out = sanitizeBaseName(long, 'x');
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(120);
    expect(out).toBe('猫'.repeat(40));
    expect(truncateUtf8('a😀b', 3)).toBe('a');
  });

  it('normalises to NFC so visually equal names collide', () => {
    expect(sanitizeBaseName('e\u0301', 'x')).toBe('\u00e9');
  });

  it('numbers duplicates before the extension', () => {
    expect(withCounter('hero.png', 2)).toBe('hero-2.png');
    expect(withCounter('README', 3)).toBe('README-3');
  });
});
