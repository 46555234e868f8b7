import { resolve } from 'node:path';
import { openAppContext } from '../../core/app-context.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { getSetting } from '../../db/settings-repo.ts';
import { exportFiles } from '../../library/export/export-files.ts';
import { recordExport } from '../../library/export/export-history-repo.ts';
import { CONFLICT_POLICIES, EXPORT_FORMATS, type ConflictPolicy, type ExportFormat, type ExportOptions, type ExportResult } from '../../library/export/export-options.ts';
import { exportZip } from '../../library/export/export-zip.ts';
import { loadExportItems, type ExportSelection } from '../../library/export/load-items.ts';
import { searchQueryFromContract } from '../../library/contract-query.ts';
import { exportShopify } from '../../library/export/shopify/export-shopify.ts';
import { HANDLE_SOURCES, type HandleSource } from '../../library/export/shopify/shopify-handle.ts';
import { exportUnity } from '../../library/export/unity/export-unity.ts';
import { S3_SETTINGS_KEY } from '../../library/sync/s3-config.ts';
import type { CliIo, Command } from '../command.ts';
import { parseFlags } from '../parse-flags.ts';
import { writeTerminalControl } from '../terminal-text.ts';
import { writeCommandError } from '../command-error.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export library assets as files, a ZIP, a Unity Assets folder or a Shopify product CSV',
  usage: `assetql export --format zip|unity|shopify|file --out <dir> [selection] [options] [--json] [--data-dir <dir>]

Selection (combined with AND, the same filter as the app's Library; none = every active asset):
  --batch <id>          assets of one batch
  --query "<text>"      full-text search over name, prompt and tags (as in assetql search)
  --category <name>     one category
  --tag <tag>           has this tag (repeat for several: all must match)
  --min-score <0-1>, --max-score <0-1>   style score range
  --from <YYYY-MM-DD>, --to <YYYY-MM-DD> created in this date range
  --state active|archived   which lifecycle state (default active; deleted assets never export)
  --ids a,b,c           these assets, in this order
Options:
  --on-conflict refuse|rename|overwrite   when a target file exists: refuse (default, nothing
                        is written), write under a new name, or replace it (a Unity .meta is never touched)
  --rename              same as --on-conflict rename
  --name <file>         ZIP or CSV file name
  --folder <Name>       Unity: folder under Assets/ (default AssetQL)
  --base-url <url>      Shopify: public URL of the synced bucket root (default: "publicBaseUrl" of the s3 setting)
  --template <id>       Shopify: shopify-2024 (Image Src…) or shopify-2025 (Product image URL…)
  --handle-from <field> Shopify: category | name | batchId | assetId (default category)
Every export writes a manifest with the sha256 of each file and never writes outside --out.`,
  async run(argv: string[], io: CliIo): Promise<number> {
    const parsed = parseFlags(this, argv, io, {
      format: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string' }, query: { type: 'string' },
      ids: { type: 'string' }, category: { type: 'string' }, tag: { type: 'string', multiple: true }, 'min-score': { type: 'string' },
      'max-score': { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, state: { type: 'string' }, folder: { type: 'string' }, 'base-url': { type: 'string' }, template: { type: 'string' },
      'handle-from': { type: 'string' }, name: { type: 'string' }, rename: { type: 'boolean' }, 'on-conflict': { type: 'string' }, json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    }, { positionals: false });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    try {
      const format = values.format as ExportFormat | undefined;
      if (!format || !EXPORT_FORMATS.includes(format)) {
        throw new AppError('BadInput', `--format must be one of ${EXPORT_FORMATS.join(', ')}${values.format ? ` (got ${values.format})` : ''}`);
      }
      if (!values.out) throw new AppError('BadInput', '--out <dir> is required');
      const handleFrom = values['handle-from'] as HandleSource | undefined;
      if (handleFrom !== undefined && !HANDLE_SOURCES.includes(handleFrom)) {
        throw new AppError('BadInput', `--handle-from must be one of ${HANDLE_SOURCES.join(', ')}`);
      }
      const outDir = resolve(io.cwd, values.out);
      const state = values.state ?? 'active';
      if (state !== 'active' && state !== 'archived') throw new AppError('BadInput', `--state must be active or archived (got ${state}); deleted assets are never exported`);
      const score = (name: 'min-score' | 'max-score'): number | undefined => {
        const raw = values[name];
        if (raw === undefined) return undefined;
        const n = Number(raw);
        if (!Number.isFinite(n) || n < 0 || n > 1) throw new AppError('BadInput', `--${name} must be a number from 0 to 1 (got ${raw})`);
        return n;
      };
      const [minScore, maxScore] = [score('min-score'), score('max-score')];
      const ids = values.ids ? values.ids.split(',').map((s) => s.trim()).filter(Boolean) : null;
      // The app's filter translation (contract-query.ts), so a CLI export means what the grid shows.
      const filter = searchQueryFromContract({
        state,
        ...(values.batch ? { batchId: values.batch } : {}),
        ...(values.query ? { text: values.query } : {}),
        ...(values.category ? { category: values.category } : {}),
        ...(values.tag?.length ? { tags: values.tag } : {}),
        ...(minScore !== undefined ? { minScore } : {}),
        ...(maxScore !== undefined ? { maxScore } : {}),
        ...(values.from ? { from: values.from } : {}),
        ...(values.to ? { to: values.to } : {}),
      });
      // Explicit ids are taken as given (active or archived) unless a state was asked for.
      const selection: ExportSelection = ids ? { ids, ...(values.state || Object.keys(filter).length > 1 ? { filter } : {}) } : { filter };
      const ctx = openAppContext(values['data-dir']);
      try {
        const items = loadExportItems(ctx, selection);
        if (items.length === 0) throw new AppError('NotFound', 'no assets match the selection; nothing exported');
        const common: ExportOptions = {
          signal: io.signal,
          onConflict: onConflictFlag(values['on-conflict'], values.rename),
          ...(values.json || !io.stdout.isTTY
            ? {}
            : { onProgress: (p) => writeTerminalControl(io.stderr, `\r${p.itemsDone}/${p.itemsTotal} items, ${(p.bytesWritten / 1048576).toFixed(1)} MiB`) }),
        };
        let result: ExportResult;
        switch (format) {
          case 'file':
            result = await exportFiles(items, outDir, common);
            break;
          case 'zip':
            result = await exportZip(items, outDir, { ...common, ...(values.name ? { fileName: values.name } : {}) });
            break;
          case 'unity':
            result = await exportUnity(items, outDir, { ...common, ...(values.folder ? { folder: values.folder } : {}) });
            break;
          case 'shopify': {
            const s3 = getSetting<{ publicBaseUrl?: string; prefix?: string } | null>(ctx.db, S3_SETTINGS_KEY, null);
            result = await exportShopify(items, outDir, {
              ...common,
              publicBaseUrl: values['base-url'] ?? s3?.publicBaseUrl,
              ...(s3?.prefix ? { prefix: s3.prefix } : {}),
              ...(values.template ? { template: values.template } : {}),
              ...(handleFrom ? { handleFrom } : {}),
              ...(values.name ? { fileName: values.name } : {}),
            });
            break;
          }
        }
        recordExport(ctx.db, result, items.map((i) => i.assetId));
        if (values.json) {
          io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } else {
          if (common.onProgress) io.stderr.write('\n');
          io.stdout.write(
            `Exported ${result.itemCount} asset(s) as ${format} to ${result.outDir}\n` +
              `  files: ${result.files.map((f) => f.path).join(', ')}\n  manifest: ${result.manifestPath}\n`,
          );
        }
        return 0;
      } finally {
        ctx.close();
      }
    } catch (err) {
      const e = toErrorData(err);
      writeCommandError(io, `assetql export`, err);
      return e.kind === 'Cancelled' ? 130 : 1;
    }
  },
};

function onConflictFlag(raw: string | undefined, rename: boolean | undefined): ConflictPolicy {
  if (raw !== undefined && !(CONFLICT_POLICIES as readonly string[]).includes(raw)) {
    throw new AppError('BadInput', `--on-conflict must be one of ${CONFLICT_POLICIES.join(', ')} (got ${raw})`);
  }
  if (raw !== undefined && rename && raw !== 'rename') throw new AppError('BadInput', `--rename and --on-conflict ${raw} contradict each other`);
  return (raw as ConflictPolicy | undefined) ?? (rename ? 'rename' : 'refuse');
}
