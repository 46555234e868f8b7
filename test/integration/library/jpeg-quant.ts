/** Reads the first (luma) quantisation table of a baseline JPEG, in zig-zag order. */
export function jpegLumaQuantTable(jpeg: Buffer): number[] {
  let off = 2;
  while (off + 4 <= jpeg.length) {
    if (jpeg[off] !== 0xff) throw new Error(`bad JPEG marker at ${off}`);
    const marker = jpeg[off + 1]!;
    const len = jpeg.readUInt16BE(off + 2);
    if (marker === 0xdb) {
      const pq = jpeg[off + 4]! >> 4;
      if (pq !== 0) throw new Error('16-bit quantisation table');
      return [...jpeg.subarray(off + 5, off + 5 + 64)];
    }
    off += 2 + len;
  }
  throw new Error('no DQT marker');
}

// The standard luminance table (ITU-T T.81 Annex K) in zig-zag order, scaled as libjpeg does.
const K1_ZIGZAG = [
  16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
  56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87, 95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101,
  103, 99,
];

export function ijgLumaTable(quality: number): number[] {
  const scale = quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
  return K1_ZIGZAG.map((q) => Math.min(255, Math.max(1, Math.floor((q * scale + 50) / 100))));
}
