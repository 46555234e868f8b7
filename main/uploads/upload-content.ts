/**
 * What an upload IS, decided by its bytes, never by its name: a file called `photo.png` that
 * holds HTML is refused, and one that holds a real PNG is stored as `.png` whatever it was
 * called. Only the four types the app reads are accepted (CSV text, PNG, JPEG, WebP), so an
 * upload can never be a page, a script or an SVG served back on the app's origin.
 */
export type UploadContent = 'csv' | 'png' | 'jpeg' | 'webp';

/** Bytes sniffed from the start of a file; enough for the magic numbers and a text verdict. */
export const SNIFF_BYTES = 8192;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Markup that a browser would render or run if it ever treated the file as a page. */
const MARKUP_START = /^\s*<(!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|link|style|img|a\s)/i;

export function sniffUploadContent(head: Buffer): UploadContent | null {
  if (head.length >= 8 && head.subarray(0, 8).equals(PNG_MAGIC)) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return looksLikeCsvText(head) ? 'csv' : null;
}

/**
 * CSV is text: UTF-16 with a BOM (Excel's "Unicode text"), or a byte encoding (UTF-8, Latin-1,
 * Windows-1252) with no NUL bytes and hardly any control characters. Markup is refused even
 * when it is text, because a CSV never starts with `<html>`.
 */
export function looksLikeCsvText(head: Buffer): boolean {
  if (head.length === 0) return false;
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  const text = utf16 ? decodeUtf16(head) : head.toString('latin1');
  if (MARKUP_START.test(text.replace(/^\ufeff/, '').replace(/^ï»¿/, ''))) return false;
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return false;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) controls++;
  }
  // A stray escape or form feed in a cell is tolerated; a binary file has many.
  return controls <= Math.max(2, text.length / 100);
}

function decodeUtf16(head: Buffer): string {
  const le = head[0] === 0xff;
  const body = head.subarray(2, 2 + ((head.length - 2) & ~1));
  if (le) return body.toString('utf16le');
  const swapped = Buffer.from(body);
  swapped.swap16();
  return swapped.toString('utf16le');
}

const EXTENSIONS: Record<UploadContent, readonly string[]> = {
  csv: ['.csv', '.tsv', '.txt'],
  png: ['.png'],
  jpeg: ['.jpg', '.jpeg'],
  webp: ['.webp'],
};

/** Keeps the user's name when its extension fits the content, otherwise adds the right one. */
export function nameForContent(safeName: string, content: UploadContent): string {
  const lower = safeName.toLowerCase();
  if (EXTENSIONS[content].some((ext) => lower.endsWith(ext))) return safeName;
  return `${safeName}${EXTENSIONS[content][0]}`;
}

export const ACCEPTED_DESCRIPTION = 'a CSV (text) file or a PNG, JPEG or WebP image';
