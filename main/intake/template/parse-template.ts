import { AppError } from '../../core/app-error.ts';

/**
 * Prompt template syntax (one line per rule, shown to users in the UI help):
 *   {item}                 the row's cell in column "item" (names normalised like headers:
 *                          {Item Name} reads column item_name)
 *   {colour|golden}        "golden" when the cell is empty or the column is missing its value
 *   {item:lower}           filters lower, upper, trim — chainable: {item:trim:upper|sword}
 *   [[ made of {material} ]]  optional section: vanishes when any variable inside is empty
 *   {style}                all style keywords from the profile; or one group: {style_colours},
 *                          {style_lighting}, {style_composition}, {style_medium}. With no
 *                          {style…} variable the enabled keywords are appended at the end.
 *   {{ and }}              literal braces
 * Filters apply to the cell value; a default is used as written.
 */
export const FILTERS = ['lower', 'upper', 'trim'] as const;
export type Filter = (typeof FILTERS)[number];

export type TemplateNode =
  | { type: 'text'; value: string }
  | { type: 'var'; name: string; filters: Filter[]; fallback: string | null; raw: string }
  | { type: 'section'; children: TemplateNode[] };

export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export function parseTemplate(source: string): TemplateNode[] {
  const root: TemplateNode[] = [];
  let current = root;
  let section: TemplateNode[] | null = null;
  let text = '';
  const flush = () => {
    if (text) current.push({ type: 'text', value: text });
    text = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const next = source[i + 1];
    if (ch === '{' && next === '{') {
      text += '{';
      i++;
    } else if (ch === '}' && next === '}') {
      text += '}';
      i++;
    } else if (ch === '[' && next === '[') {
      if (section) throw bad(`sections cannot be nested ('[[' at character ${i + 1})`);
      flush();
      section = [];
      current = section;
      i++;
    } else if (ch === ']' && next === ']' && section) {
      flush();
      root.push({ type: 'section', children: section });
      section = null;
      current = root;
      i++;
    } else if (ch === '{') {
      const end = source.indexOf('}', i + 1);
      if (end < 0) throw bad(`'{' at character ${i + 1} is never closed (write {{ for a literal brace)`);
      flush();
      current.push(parseVariable(source.slice(i + 1, end), i + 1));
      i = end;
    } else if (ch === '}') {
      throw bad(`'}' at character ${i + 1} has no matching '{' (write }} for a literal brace)`);
    } else {
      text += ch;
    }
  }
  if (section) throw bad("a '[[' section is never closed with ']]'");
  flush();
  return root;
}

function parseVariable(body: string, at: number): TemplateNode {
  const bar = body.indexOf('|');
  const head = bar >= 0 ? body.slice(0, bar) : body;
  const fallback = bar >= 0 ? body.slice(bar + 1) : null;
  const [name = '', ...filters] = head.split(':');
  const normalised = normaliseName(name);
  if (!normalised) throw bad(`empty variable '{${body}}' at character ${at}`);
  for (const f of filters) {
    if (!(FILTERS as readonly string[]).includes(f.trim())) {
      throw bad(`unknown filter ':${f.trim()}' in '{${body}}'; filters are ${FILTERS.map((x) => ':' + x).join(', ')}`);
    }
  }
  return { type: 'var', name: normalised, filters: filters.map((f) => f.trim() as Filter), fallback, raw: body };
}

function bad(message: string): AppError {
  return new AppError('BadInput', `template: ${message}`);
}
