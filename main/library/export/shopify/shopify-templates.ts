/**
 * Shopify product CSV header sets, kept as data because Shopify renamed columns over time
 * (REFERENCE.md → Formats: `Image Src` ↔ `Product image URL`). Each column maps to a logical
 * field; the exporter fills fields, the template decides names and order. Add a version here
 * when Shopify changes its import format again; nothing else needs to change.
 */
export type ShopifyField =
  | 'handle'
  | 'title'
  | 'body'
  | 'vendor'
  | 'productType'
  | 'tags'
  | 'published'
  | 'status'
  | 'option1Name'
  | 'option1Value'
  | 'price'
  | 'imageSrc'
  | 'imagePosition'
  | 'imageAlt';

/** Fields repeated on every extra image row of a handle; all others appear on the first row only. */
export const IMAGE_FIELDS: readonly ShopifyField[] = ['handle', 'imageSrc', 'imagePosition', 'imageAlt'];

export interface ShopifyTemplate {
  id: string;
  description: string;
  columns: readonly { header: string; field: ShopifyField }[];
}

export const SHOPIFY_TEMPLATES = {
  'shopify-2024': {
    id: 'shopify-2024',
    description: 'Classic product CSV (Handle, Title, Body (HTML), … Image Src)',
    columns: [
      { header: 'Handle', field: 'handle' },
      { header: 'Title', field: 'title' },
      { header: 'Body (HTML)', field: 'body' },
      { header: 'Vendor', field: 'vendor' },
      { header: 'Type', field: 'productType' },
      { header: 'Tags', field: 'tags' },
      { header: 'Published', field: 'published' },
      { header: 'Option1 Name', field: 'option1Name' },
      { header: 'Option1 Value', field: 'option1Value' },
      { header: 'Variant Price', field: 'price' },
      { header: 'Image Src', field: 'imageSrc' },
      { header: 'Image Position', field: 'imagePosition' },
      { header: 'Image Alt Text', field: 'imageAlt' },
      { header: 'Status', field: 'status' },
    ],
  },
  'shopify-2025': {
    id: 'shopify-2025',
    description: 'Product CSV with renamed columns (URL handle, Description, … Product image URL)',
    columns: [
      { header: 'Title', field: 'title' },
      { header: 'URL handle', field: 'handle' },
      { header: 'Description', field: 'body' },
      { header: 'Vendor', field: 'vendor' },
      { header: 'Type', field: 'productType' },
      { header: 'Tags', field: 'tags' },
      { header: 'Published on online store', field: 'published' },
      { header: 'Status', field: 'status' },
      { header: 'Option1 name', field: 'option1Name' },
      { header: 'Option1 value', field: 'option1Value' },
      { header: 'Price', field: 'price' },
      { header: 'Product image URL', field: 'imageSrc' },
      { header: 'Image position', field: 'imagePosition' },
      { header: 'Image alt text', field: 'imageAlt' },
    ],
  },
} as const satisfies Record<string, ShopifyTemplate>;

export type ShopifyTemplateId = keyof typeof SHOPIFY_TEMPLATES;
export const DEFAULT_SHOPIFY_TEMPLATE: ShopifyTemplateId = 'shopify-2024';

export function isShopifyTemplateId(id: string): id is ShopifyTemplateId {
  return Object.hasOwn(SHOPIFY_TEMPLATES, id);
}
