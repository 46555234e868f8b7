import { AppError } from '../../../core/app-error.ts';
import { publicObjectUrl, rawObjectKey } from '../../sync/object-keys.ts';
import { toCsv, type CsvCell } from '../csv-writer.ts';
import type { ExportItem } from '../export-item.ts';
import { companionPolicy, type ExportOptions, type ExportResult } from '../export-options.ts';
import { ExportWriter, runExport } from '../export-writer.ts';
import { buildManifest, manifestJson } from '../manifest.ts';
import { OutputFolder } from '../output-folder.ts';
import { sanitizeBaseName } from '../safe-name.ts';
import { handleSourceValue, slugifyHandle, type HandleSource } from './shopify-handle.ts';
import { DEFAULT_SHOPIFY_TEMPLATE, IMAGE_FIELDS, SHOPIFY_TEMPLATES, isShopifyTemplateId, type ShopifyField } from './shopify-templates.ts';

export interface ShopifyExportOptions extends ExportOptions {
  /** Header template id, e.g. 'shopify-2024' (default) or 'shopify-2025'. */
  template?: string;
  /** Public base URL of the bucket/CDN root the sync uploads to, e.g. https://cdn.example.com/. */
  publicBaseUrl?: string | undefined;
  /** The sync prefix, so image URLs point at the keys the sync writes. */
  prefix?: string;
  /** Field whose slug becomes the Handle (default 'category': one product per category). */
  handleFrom?: HandleSource;
  vendor?: string;
  productType?: string;
  price?: string;
  published?: boolean;
  status?: 'active' | 'draft' | 'archived';
  fileName?: string;
}

export const PUBLIC_URL_HELP =
  'Shopify downloads product images from public URLs, so a public base URL is needed: pass --base-url https://cdn.example.com/ ' +
  '(pointing at the root of the synced bucket) or set "publicBaseUrl" in the "s3" setting, and run `assetql sync` so the images are there.';

/**
 * Shopify product CSV: one row per image, grouped by Handle. The first row of a handle carries
 * the product fields; every further image of that product is a row with only the Handle and
 * image columns, which is how Shopify attaches extra images. Every text cell is escaped against
 * formula injection by the CSV writer.
 */
export async function exportShopify(items: readonly ExportItem[], outDir: string, options: ShopifyExportOptions = {}): Promise<ExportResult> {
  const templateId = options.template ?? DEFAULT_SHOPIFY_TEMPLATE;
  if (!isShopifyTemplateId(templateId)) {
    throw new AppError('BadInput', `unknown Shopify template "${templateId}"; known: ${Object.keys(SHOPIFY_TEMPLATES).join(', ')}`);
  }
  const baseUrl = checkBaseUrl(options.publicBaseUrl);
  const template = SHOPIFY_TEMPLATES[templateId];
  const handleFrom = options.handleFrom ?? 'category';

  const groups = new Map<string, ExportItem[]>();
  for (const item of items) {
    const handle = slugifyHandle(handleSourceValue(item, handleFrom), item.assetId);
    const list = groups.get(handle) ?? [];
    list.push(item);
    groups.set(handle, list);
  }

  const rows: CsvCell[][] = [];
  for (const [handle, group] of groups) {
    const first = group[0];
    if (!first) continue;
    const tags = [...new Set(group.flatMap((it) => [...(it.category ? [it.category] : []), ...it.tags]).map(cleanTag))].filter(Boolean);
    group.forEach((item, i) => {
      const values: Partial<Record<ShopifyField, CsvCell>> = {
        handle,
        imageSrc: publicObjectUrl(baseUrl, rawObjectKey(options.prefix, item.batchId, item.assetId)),
        imagePosition: i + 1,
        imageAlt: item.name,
      };
      if (i === 0) {
        Object.assign(values, {
          title: handleFrom === 'category' ? (first.category?.trim() || 'Uncategorized') : handleSourceValue(first, handleFrom),
          body: `<p>${escapeHtml(first.prompt)}</p>`,
          vendor: options.vendor ?? 'AssetQL',
          productType: options.productType ?? first.category ?? '',
          tags: tags.join(', '),
          published: options.published ? 'TRUE' : 'FALSE',
          status: options.status ?? 'draft',
          option1Name: 'Title',
          option1Value: 'Default Title',
          price: options.price ?? '',
        } satisfies Partial<Record<ShopifyField, CsvCell>>);
      }
      rows.push(template.columns.map((c) => (i === 0 || IMAGE_FIELDS.includes(c.field) ? values[c.field] : undefined)));
    });
  }

  const folder = await OutputFolder.open(outDir);
  const writer = new ExportWriter(folder, options, items.length);
  return runExport(writer, async () => {
    const csvName = `${sanitizeBaseName((options.fileName ?? `shopify-products-${templateId}`).replace(/\.csv$/i, ''), 'shopify-products')}.csv`;
    const csvFile = await writer.writeBuffer(toCsv(template.columns.map((c) => c.header), rows), csvName);
    writer.itemsDone = items.length;
    writer.progress();
    const manifest = buildManifest('shopify', items, [csvFile], writer.renamed, {
      template: templateId,
      handle_from: handleFrom,
      products: groups.size,
      image_urls: items.map((it) => ({ assetId: it.assetId, url: publicObjectUrl(baseUrl, rawObjectKey(options.prefix, it.batchId, it.assetId)) })),
    });
    const m = await writer.writeBuffer(manifestJson(manifest), `${csvFile.path}.manifest.json`, undefined, companionPolicy(options));
    return {
      format: 'shopify' as const,
      outDir: folder.root,
      manifestPath: m.path,
      files: [csvFile],
      itemCount: items.length,
      bytesWritten: writer.bytesWritten,
    };
  });
}

function checkBaseUrl(raw: string | undefined): string {
  if (!raw || !raw.trim()) throw new AppError('BadInput', `no public image URL configured. ${PUBLIC_URL_HELP}`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('BadInput', `"${raw}" is not a valid URL. ${PUBLIC_URL_HELP}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('BadInput', `the public base URL must start with https:// (got ${url.protocol}). ${PUBLIC_URL_HELP}`);
  }
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Shopify splits Tags on commas, so a comma inside one tag would make two. */
function cleanTag(tag: string): string {
  return tag.replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
