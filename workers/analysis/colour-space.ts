/**
 * sRGB ↔ CIELAB (D65) conversions. Lab is where colour distances mean something to the eye,
 * so palette clustering and every colour score happen there.
 */
export type Lab = [number, number, number];

/** 8-bit sRGB component → linear light, precomputed because it is called per pixel. */
export const SRGB_TO_LINEAR: Float64Array = (() => {
  const t = new Float64Array(256);
  for (let i = 0; i < 256; i++) {
    const c = i / 255;
    t[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  return t;
})();

const XN = 0.95047;
const YN = 1.0;
const ZN = 1.08883;
const EPS = 216 / 24389;
const KAPPA = 24389 / 27;

function f(t: number): number {
  return t > EPS ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

/** Linear-light RGB (0–1) → Lab. */
export function linearRgbToLab(r: number, g: number, b: number): Lab {
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / XN;
  const y = (0.2126729 * r + 0.7151522 * g + 0.072175 * b) / YN;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / ZN;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** 8-bit sRGB → Lab. */
export function srgbToLab(r: number, g: number, b: number): Lab {
  return linearRgbToLab(SRGB_TO_LINEAR[r | 0] ?? 0, SRGB_TO_LINEAR[g | 0] ?? 0, SRGB_TO_LINEAR[b | 0] ?? 0);
}

/** Lab → 8-bit sRGB (clamped to the gamut). */
export function labToSrgb(lab: Lab): [number, number, number] {
  const [l, a, bb] = lab;
  const fy = (l + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - bb / 200;
  const inv = (t: number): number => (t * t * t > EPS ? t * t * t : (116 * t - 16) / KAPPA);
  const x = inv(fx) * XN;
  const y = (l > KAPPA * EPS ? fy * fy * fy : l / KAPPA) * YN;
  const z = inv(fz) * ZN;
  const lin = [
    3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
    -0.969266 * x + 1.8760108 * y + 0.041556 * z,
    0.0556434 * x - 0.2040259 * y + 1.0572252 * z,
  ];
  return lin.map((c) => {
    const v = c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(Math.max(c, 0), 1 / 2.4) - 0.055;
    return Math.max(0, Math.min(255, Math.round(v * 255)));
  }) as [number, number, number];
}

export function rgbToHex(rgb: readonly [number, number, number]): string {
  return '#' + rgb.map((c) => c.toString(16).padStart(2, '0')).join('');
}

export function hexToRgb(hex: string): [number, number, number] | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m || !m[1]) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
