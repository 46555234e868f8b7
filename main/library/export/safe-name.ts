/**
 * Turns an arbitrary asset name into one path segment that is safe on Windows, macOS and Linux
 * and inside ZIP readers: no separators, no traversal, no control or reserved characters, no
 * Windows device names (CON, NUL, COM1…), and a bounded UTF-8 length so `<name>-12.png` still
 * fits the 255-byte limit most file systems impose.
 */
const MAX_BASE_BYTES = 120;
// Characters forbidden on Windows plus both separators and all C0/C1 control characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

export function sanitizeBaseName(raw: string, fallback: string): string {
  let s = raw.normalize('NFC').replace(UNSAFE, '_');
  // Bidi overrides and zero-width characters make names lie about their extension.
  s = s.replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '');
  s = s.replace(/\s+/g, ' ').trim();
  // Leading dots hide files or form `..`; trailing dots/spaces are stripped silently by Windows.
  s = s.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  s = truncateUtf8(s, MAX_BASE_BYTES).replace(/[.\s]+$/, '');
  if (s === '' || /^_+$/.test(s)) s = fallback === raw ? 'asset' : sanitizeBaseName(fallback, 'asset');
  const stem = s.split('.')[0] ?? s;
  if (WINDOWS_DEVICE.test(stem.trim())) s = `_${s}`;
  return s;
}

/** Cuts to at most maxBytes of UTF-8 without splitting a code point (or a surrogate pair). */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > maxBytes) break;
    out += ch;
    bytes += b;
  }
  return out;
}

/** `hero.png` → `hero-2.png`: the name used when a target already exists. */
export function withCounter(fileName: string, n: number): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}-${n}${fileName.slice(dot)}` : `${fileName}-${n}`;
}
