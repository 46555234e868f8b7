import { describe, expect, it } from 'vitest';
import { labToSrgb, srgbToLab } from '../../../workers/analysis/colour-space.ts';
import { deltaE2000 } from '../../../workers/analysis/delta-e.ts';
import { colourName } from '../../../workers/analysis/colour-names.ts';

describe('colour maths', () => {
  // Test pairs from Sharma, Wu & Dalal (2005), Table 1.
  it.each([
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, -1.3802, -84.2814], [50, 0, -82.7485], 1.0],
    [[50, 2.5, 0], [73, 25, -18], 27.1492],
    [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
    [[2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514], 0.9082],
  ] as const)('ΔE2000 %j vs %j = %d', (a, b, want) => {
    expect(deltaE2000([...a], [...b])).toBeCloseTo(want, 3);
  });

  it('round-trips sRGB through Lab and names colours', () => {
    for (const rgb of [[0, 0, 0], [255, 255, 255], [200, 30, 40], [10, 120, 240]] as const) {
      expect(labToSrgb(srgbToLab(rgb[0], rgb[1], rgb[2]))).toEqual([...rgb]);
    }
    expect(srgbToLab(255, 255, 255)[0]).toBeCloseTo(100, 2);
    expect(colourName(srgbToLab(250, 5, 5))).toBe('red');
    expect(colourName(srgbToLab(5, 5, 120))).toBe('navy');
  });
});
