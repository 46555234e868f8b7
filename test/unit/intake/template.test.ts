import { describe, expect, it } from 'vitest';
import { parseBatchConfig } from '../../../main/intake/config/batch-config.ts';
import { parseCsv } from '../../../main/intake/csv/parse-csv.ts';
import { buildPrompts, previewPrompts } from '../../../main/intake/template/build-prompts.ts';
import { assembleNegativePrompt, QUALITY_NEGATIVES } from '../../../main/intake/template/negative-prompt.ts';
import { compileTemplate, renderCompiled, renderTemplate } from '../../../main/intake/template/render-template.ts';
import { styleTerms } from '../../../main/intake/template/style-terms.ts';

const cells = { item: 'Sword', material: 'iron', colour: '', rarity: '  Epic ' };

describe('template engine', () => {
  it('substitutes, applies defaults and chained filters', () => {
    expect(renderTemplate('a {item:lower} of {material}, {colour|silver} tone', cells)).toBe('a sword of iron, silver tone');
    expect(renderTemplate('{rarity:trim:upper} {item:upper}', cells)).toBe('EPIC SWORD');
    expect(renderTemplate('{Item} in {{braces}}', cells)).toBe('Sword in {braces}');
  });

  it('drops optional sections whose variable is empty and tidies the commas they leave', () => {
    expect(renderTemplate('{item}[[, painted {colour}]][[, made of {material}]], game icon', cells)).toBe('Sword, made of iron, game icon');
    expect(renderTemplate('[[{colour} ]]{item}', { ...cells, colour: 'red' })).toBe('red Sword');
  });

  it('names unknown variables and lists the columns, with a near-miss hint', () => {
    expect(() => compileTemplate('{item} {matrial} {shape}', ['item', 'material'])).toThrow(
      "template uses unknown columns 'matrial' (did you mean 'material'?), 'shape'; available columns: item, material",
    );
  });

  it('reports syntax errors with their position', () => {
    expect(() => compileTemplate('{item', ['item'])).toThrow(/'\{' at character 1 is never closed/);
    expect(() => compileTemplate('[[ {item} ', ['item'])).toThrow(/never closed with '\]\]'/);
    expect(() => compileTemplate('[[ [[x]] ]]', ['item'])).toThrow(/cannot be nested/);
    expect(() => compileTemplate('{item:title}', ['item'])).toThrow(/unknown filter ':title'/);
  });

  it('injects style keywords by group, skips ones already present, honours drop, lock and overrides', () => {
    const keywords = { colours: ['teal', 'coral'], lighting: ['soft rim light'], composition: ['centered'], medium: ['flat vector illustration'] };
    const config = parseBatchConfig({ style: { lighting: { mode: 'drop' }, medium: { mode: 'lock' }, composition: { keywords: ['isometric view'] } } });
    const terms = styleTerms(keywords, config.style);
    expect(terms.locked).toEqual(['flat vector illustration']);
    const appended = renderCompiled(compileTemplate('{item}, teal blade', ['item']), cells, terms);
    expect(appended).toBe('Sword, teal blade, coral, isometric view, flat vector illustration');
    const placed = renderCompiled(compileTemplate('{style_medium} of a {item}, {style_colours}', ['item']), cells, terms);
    expect(placed).toBe('flat vector illustration of a Sword, teal, coral');
  });

  it('assembles negative prompts without duplicates', () => {
    expect(assembleNegativePrompt([['blurry', 'text'], 'Blurry, watermark', null, ' text ,  extra fingers'])).toBe('blurry, text, watermark, extra fingers');
  });
});

describe('buildPrompts', () => {
  it('builds prompts with seeds, sizes and negatives and validates against the pack', async () => {
    const csv = await parseCsv(
      'item,material,seed,size,negative_prompt,name\nsword,iron,5,,rust,\naxe,,,832x1216,,Big Axe\nbow,yew,,1000x1000,,\nsword,iron,5,,,\n',
      { usesTemplate: true },
    );
    const config = parseBatchConfig({ seed: { mode: 'fixed', base: 100 }, negativePrompt: 'text, logo' });
    const out = buildPrompts(csv, { config, template: 'a {item}[[ made of {material}]]', style: null });
    expect(out.prompts.map((p) => [p.row, p.name, p.prompt, p.seed, p.width, p.height])).toEqual([
      [2, 'a-sword-made-of-iron-2', 'a sword made of iron', 5, 1024, 1024],
      [3, 'Big Axe', 'a axe', 101, 832, 1216],
      [5, 'a-sword-made-of-iron-5', 'a sword made of iron', 5, 1024, 1024],
    ]);
    expect(out.prompts[0]?.negativePrompt).toBe([...QUALITY_NEGATIVES, 'logo', 'rust'].join(', '));
    expect(out.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^row 4, column 'size': '1000x1000' is not an allowed size; choose one of 1024x1024, 1152x896/)]);
    expect(out.warnings.map((w) => w.message)).toEqual(['row 5 gives the same prompt, seed and size as row 2']);
    expect(previewPrompts(csv, { config, template: '{item}' }, 1).prompts.map((p) => p.prompt)).toEqual(['sword']);
  });

  it('draws random seeds from the injected source and uses the prompt column without a template', async () => {
    const csv = await parseCsv('prompt\na red gem\n');
    let n = 41;
    const out = buildPrompts(csv, { config: parseBatchConfig({}), randomSeed: () => ++n, style: { keywords: { colours: ['red', 'gold'], lighting: [], composition: [], medium: [] } } });
    expect(out.prompts.map((p) => [p.prompt, p.seed])).toEqual([['a red gem, gold', 42]]);
  });
});
