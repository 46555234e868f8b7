/**
 * Zod validation issues → sentences a user can act on ("Steps must be at most 50 (you gave
 * 80)."), instead of "config.steps: Too big: expected number to be <=50". Used by the request
 * registry and the batch-config parser, so the UI, the CLI and the hot folder say the same.
 */

/** What the user calls a field, by the last path segment (the form's labels). */
const LABELS: Record<string, string> = {
  width: 'Width',
  height: 'Height',
  steps: 'Steps',
  guidance: 'Guidance (CFG scale)',
  sampler: 'Sampler',
  seed: 'Seed',
  seedMode: 'Seed mode',
  retries: 'Style retries',
  concurrency: 'Concurrency',
  packId: 'Model pack',
  name: 'Name',
  style: 'Pass style threshold',
  clip: 'CLIP threshold',
  colour: 'Colour ΔE threshold',
  edge: 'Edge threshold',
  preflight: 'Pre-flight threshold',
  template: 'Prompt template',
  negativePrompt: 'Negative prompt',
  lowConfidence: 'Low-confidence prompts',
};

export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  input?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  origin?: string;
  expected?: string;
  values?: readonly unknown[];
}

export function fieldLabel(path: readonly PropertyKey[]): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (typeof last !== 'string') return 'The value';
  return LABELS[last] ?? last.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

const shown = (v: unknown): string => (typeof v === 'string' ? `“${v.length > 40 ? `${v.slice(0, 40)}…` : v}”` : JSON.stringify(v) ?? String(v));

/** The value at the issue's path in what was validated (zod 4 leaves `input` out by default). */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

export function issueSentence(issue: IssueLike, root?: unknown): string {
  const field = fieldLabel(issue.path);
  const input = issue.input !== undefined ? issue.input : valueAt(root, issue.path);
  const gave = input !== undefined && input !== null && typeof input !== 'object' ? ` (you gave ${shown(input)})` : '';
  const text = issue.origin === 'string' || issue.origin === 'array';
  const unit = issue.origin === 'string' ? ' character(s)' : issue.origin === 'array' ? ' item(s)' : '';
  switch (issue.code) {
    case 'too_big':
      return text
        ? `${field} can have at most ${String(issue.maximum)}${unit}.`
        : `${field} must be at most ${String(issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}${gave}.`;
    case 'too_small':
      if (text && issue.minimum === 1) return `${field} cannot be empty.`;
      return text ? `${field} needs at least ${String(issue.minimum)}${unit}.` : `${field} must be at least ${String(issue.minimum)}${gave}.`;
    case 'invalid_type':
      if (input === undefined) return `${field} is missing.`;
      if (issue.expected === 'int') return `${field} must be a whole number${gave}.`;
      return `${field} must be a ${issue.expected ?? 'different kind of value'}${gave}.`;
    case 'invalid_value':
      return `${field} must be one of ${(issue.values ?? []).map(shown).join(', ')}${gave}.`;
    case 'unrecognized_keys':
      return `${issue.message.replace(/^Unrecognized keys?:/, 'Unknown setting(s):')}.`;
    case 'custom':
      // Custom checks are written where they are raised: a whole sentence (pack sizes) is kept,
      // a predicate ("must be between 30 and 50 for this pack") gets the field in front.
      return /^(must|is|cannot|should|needs)\b/.test(issue.message) ? `${field} ${issue.message}${gave}.` : issue.message;
    default:
      return `${field}: ${issue.message}.`;
  }
}

/** Up to `max` sentences, joined; "and N more problems" when there are more. */
export function issuesToSentences(issues: readonly IssueLike[], root?: unknown, max = 5): string {
  const out = issues.slice(0, max).map((i) => issueSentence(i, root));
  if (issues.length > max) out.push(`…and ${issues.length - max} more problem(s).`);
  return out.join(out.length > 1 ? ' ' : '');
}
