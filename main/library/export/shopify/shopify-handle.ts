import type { ExportItem } from '../export-item.ts';

/** Which item field groups images into one product (one Handle). */
export const HANDLE_SOURCES = ['category', 'name', 'batchId', 'assetId'] as const;
export type HandleSource = (typeof HANDLE_SOURCES)[number];

export function handleSourceValue(item: ExportItem, source: HandleSource): string {
  switch (source) {
    case 'category':
      return item.category?.trim() || 'uncategorized';
    case 'name':
      return item.name;
    case 'batchId':
      return item.batchId;
    case 'assetId':
      return item.assetId;
  }
}

/** Shopify handles are lower-case ASCII words joined by hyphens (what its admin generates). */
export function slugifyHandle(value: string, fallback: string): string {
  const slug = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200)
    .replace(/-+$/, '');
  return slug || slugifyHandle(fallback, 'product');
}
