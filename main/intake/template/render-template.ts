import { AppError } from '../../core/app-error.ts';
import { normaliseName, parseTemplate, type Filter, type TemplateNode } from './parse-template.ts';
import { mentions, STYLE_ATTRIBUTES, type StyleTerms } from './style-terms.ts';
import { placeStyleWithinBudget } from './token-estimate.ts';

const STYLE_VARIABLES = ['style', ...STYLE_ATTRIBUTES.map((a) => `style_${a}`)] as const;

export interface CompiledTemplate {
  source: string;
  nodes: TemplateNode[];
  variables: string[];
  /** True when the template places style keywords itself; otherwise they are appended. */
  placesStyle: boolean;
}

/** Parses a template and checks every variable against the CSV's columns. */
export function compileTemplate(source: string, columns: readonly string[]): CompiledTemplate {
  const nodes = parseTemplate(source);
  const variables = [...new Set(collectVariables(nodes))];
  const known = new Set<string>([...columns.map(normaliseName), ...STYLE_VARIABLES]);
  const unknown = variables.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    const hints = unknown.map((u) => {
      const near = closest(u, columns);
      return near ? `'${u}' (did you mean '${near}'?)` : `'${u}'`;
    });
    throw new AppError(
      'BadInput',
      `template uses unknown column${unknown.length > 1 ? 's' : ''} ${hints.join(', ')}; available columns: ${columns.join(', ')}`,
      { unknown, columns: [...columns] },
    );
  }
  return { source, nodes, variables, placesStyle: variables.some((v) => (STYLE_VARIABLES as readonly string[]).includes(v)) };
}

/**
 * Renders one row. Style terms the prompt already mentions are not repeated; the result is
 * tidied (whitespace collapsed, empty comma slots removed) because sections and empty cells
 * leave ", ," behind.
 */
export function renderCompiled(t: CompiledTemplate, cells: Record<string, string>, style?: StyleTerms | null): string {
  const styleValue = (name: string, soFar: string): string => {
    if (!style) return '';
    const attrs = name === 'style' ? STYLE_ATTRIBUTES : STYLE_ATTRIBUTES.filter((a) => `style_${a}` === name);
    return attrs
      .flatMap((a) => style.byAttribute[a])
      .filter((term) => !mentions(soFar, term))
      .join(', ');
  };
  const value = (n: Extract<TemplateNode, { type: 'var' }>, soFar: string): string => {
    if ((STYLE_VARIABLES as readonly string[]).includes(n.name)) return styleValue(n.name, soFar);
    let v = cells[n.name] ?? '';
    for (const f of n.filters) v = applyFilter(f, v);
    if (v.trim() === '' && n.fallback !== null) return n.fallback;
    return v;
  };
  let out = '';
  for (const node of t.nodes) {
    if (node.type === 'text') out += node.value;
    else if (node.type === 'var') out += value(node, out);
    else {
      let part = '';
      let empty = false;
      for (const child of node.children) {
        if (child.type === 'text') part += child.value;
        else if (child.type === 'var') {
          const v = value(child, out + part);
          if (v.trim() === '') empty = true;
          part += v;
        }
      }
      if (!empty) out += part;
    }
  }
  if (!t.placesStyle && style) {
    const extra = styleValue('style', out);
    // Within CLIP's budget: a long prompt loses its tail, not the style terms.
    if (extra) out = placeStyleWithinBudget(tidyPrompt(out), extra);
  }
  return tidyPrompt(out);
}

/** One-shot convenience: compile against the row's own keys and render. */
export function renderTemplate(source: string, cells: Record<string, string>, style?: StyleTerms | null): string {
  return renderCompiled(compileTemplate(source, Object.keys(cells)), cells, style);
}

export function tidyPrompt(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;])/g, '$1')
    .replace(/,(\s*,)+/g, ',')
    .replace(/^[\s,;]+|[\s,;]+$/g, '')
    .trim();
}

function applyFilter(f: Filter, v: string): string {
  switch (f) {
    case 'lower':
      return v.toLowerCase();
    case 'upper':
      return v.toUpperCase();
    case 'trim':
      return v.trim();
  }
}

function collectVariables(nodes: TemplateNode[]): string[] {
  return nodes.flatMap((n) => (n.type === 'var' ? [n.name] : n.type === 'section' ? collectVariables(n.children) : []));
}

function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = levenshtein(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
