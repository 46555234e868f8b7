import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/database.ts';
import { toConfidence } from '../../../main/intake/preflight/calibration.ts';
import { listDeltaReports, resolveDeltaReport, saveDeltaReports } from '../../../main/intake/preflight/delta-repo.ts';
import { preflight } from '../../../main/intake/preflight/preflight.ts';
import { createHashEmbedder } from './hash-embedder.ts';

const keywords = {
  colours: ['teal', 'coral'],
  lighting: ['soft rim lighting'],
  composition: ['centered'],
  medium: ['flat vector illustration'],
};
const embedder = createHashEmbedder();
const dir = mkdtempSync(join(tmpdir(), 'aq-preflight-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pre-flight (hash bag-of-words embedder)', () => {
  it('scores on-style prompts high and off-style prompts low, with a measured delta report', async () => {
    const centroid = (await embedder.embedTexts(['teal coral soft rim lighting centered flat vector illustration game item']))[0]!;
    const result = await preflight(
      [
        { row: 2, prompt: 'iron sword, teal and coral, soft rim lighting, centered, flat vector illustration' },
        { row: 3, prompt: 'a photo of an iron sword on a wooden table' },
      ],
      { centroid, keywords },
      embedder,
      { threshold: 0.75, lowConfidence: 'hold' },
    );
    expect(result.available).toBe(true);
    expect(result.calibration).toMatchObject({ target: 'image-centroid', narrow: false });
    const [good, bad] = result.rows;
    expect(good!.confidence).toBeGreaterThan(0.75);
    expect(good!.low).toBe(false);
    expect(good!.delta).toBeNull();
    expect(bad!.confidence).toBeLessThan(0.75);
    expect(bad!.held).toBe(true);
    const delta = bad!.delta!;
    expect(delta.missing.map((m) => m.attribute)).toEqual(['colours', 'lighting', 'composition', 'medium']);
    expect(delta.missing[0]!.expected.sort()).toEqual(['coral', 'teal']);
    expect(delta.missing[0]!.why).toMatch(/names none of the profile's colours \(teal, coral\); adding '(teal|coral)' changes confidence by \+0\.\d\d/);
    expect(delta.suggestion.startsWith('a photo of an iron sword on a wooden table, ')).toBe(true);
    expect(delta.suggestion.split(', ').length).toBe(5); // prompt + 4 additions
    // The gain is re-measured, not estimated: re-scoring the suggestion gives the same number.
    const reScored = (await preflight([{ row: 3, prompt: delta.suggestion }], { centroid, keywords }, embedder)).rows[0]!;
    expect(delta.suggestedConfidence).toBeCloseTo(reScored.confidence, 10);
    expect(delta.expectedGain).toBeCloseTo(delta.suggestedConfidence - bad!.confidence, 10);
    expect(delta.expectedGain).toBeGreaterThan(0.2);
  });

  it('treats spelling variants as present and skips attributes the prompt already covers', async () => {
    const result = await preflight([{ row: 5, prompt: 'shield, centred' }], { centroid: null, keywords }, embedder, { threshold: 0.99 });
    expect(result.calibration?.target).toBe('keyword-prompt');
    expect(result.rows[0]!.delta!.missing.map((m) => m.attribute)).toEqual(['colours', 'lighting', 'medium']);
  });

  it('says why it cannot run', async () => {
    expect((await preflight([{ row: 2, prompt: 'x' }], { centroid: null, keywords }, null)).reason).toMatch(/no CLIP pack/);
    const empty = { colours: [], lighting: [], composition: [], medium: [] };
    expect((await preflight([{ row: 2, prompt: 'x' }], { centroid: null, keywords: empty }, embedder)).reason).toMatch(/no keywords/);
    const wrongDim = await preflight([{ row: 2, prompt: 'x' }], { centroid: new Float32Array(3), keywords }, embedder);
    expect(wrongDim.reason).toMatch(/3 dimensions but hash-bow gives 512/);
  });

  it('maps the calibration anchors to 0.05 and 0.95', () => {
    const c = { low: 0.2, high: 0.3, measuredHigh: 0.3, target: 'image-centroid' as const, keywordPrompt: '', narrow: false };
    expect(toConfidence(0.2, c)).toBeCloseTo(0.05, 6);
    expect(toConfidence(0.3, c)).toBeCloseTo(0.95, 6);
    expect(toConfidence(0.25, c)).toBeCloseTo(0.5, 6);
  });

  it('stores delta reports per batch and lists them by status', async () => {
    const db = openDatabase(join(dir, 'd.db'));
    db.prepare(`INSERT INTO batches (id, name, config, created_at, updated_at) VALUES ('b1','t','{}',0,0), ('b2','t','{}',0,0)`).run();
    const result = await preflight([{ row: 4, prompt: 'a dagger' }, { row: 7, prompt: 'a helmet' }], { centroid: null, keywords }, embedder);
    const reports = result.rows.flatMap((r) => (r.delta ? [r.delta] : []));
    expect(reports).toHaveLength(2);
    const ids = saveDeltaReports(db, 'b1', reports);
    expect(listDeltaReports(db, 'b2')).toEqual([]);
    const listed = listDeltaReports(db, 'b1');
    expect(listed.map((r) => [r.row, r.status, r.suggestion])).toEqual(reports.map((r) => [r.row, 'open', r.suggestion]));
    expect(listed[0]!.missing).toEqual(reports[0]!.missing);
    expect(resolveDeltaReport(db, ids[0]!, 'accepted')).toBe(true);
    expect(listDeltaReports(db, 'b1', 'open').map((r) => r.row)).toEqual([7]);
    db.close();
  });
});
