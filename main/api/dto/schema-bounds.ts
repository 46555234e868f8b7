import type { z } from 'zod';
import type { FieldBounds } from '../../../preload/api.ts';

/**
 * The numeric bounds of an object schema's fields, read from the schema itself, so the form's
 * min/max are the contract's (the renderer may not import zod schemas, only types).
 */
export function schemaBounds(schema: z.ZodType): Record<string, FieldBounds> {
  const out: Record<string, FieldBounds> = {};
  const walk = (s: z.ZodType, prefix: string): void => {
    const def = (s as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') {
      if (def.innerType) walk(def.innerType, prefix);
      return;
    }
    if (def.type === 'object') {
      for (const [k, v] of Object.entries((s as z.ZodObject).shape)) walk(v as z.ZodType, prefix ? `${prefix}.${k}` : k);
      return;
    }
    if (def.type === 'number') {
      const n = s as z.ZodNumber;
      out[prefix] = { min: n.minValue ?? null, max: n.maxValue ?? null, int: n.isInt };
    }
  };
  walk(schema, '');
  return out;
}
