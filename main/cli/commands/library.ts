import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo, Command } from '../command.ts';
import { openAppContext, type AppContext } from '../../core/app-context.ts';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { createClipEmbedder } from '../../inference/clip-embedder.ts';
import { WorkerPool } from '../../inference/worker-pool.ts';
import { listAssetVersions } from '../../library/asset-versions.ts';
import { createClipZeroShotTagger } from '../../library/clip-zero-shot-tagger.ts';
import { archiveAsset, archiveStaleAssets, deleteAsset, purgeDeletedAssets, restoreAsset, undeleteAsset } from '../../library/lifecycle.ts';
import { libraryStats, type LibraryStats } from '../../library/library-stats.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import type { AssetTag } from '../../library/asset-types.ts';
import { searchAssets } from '../../library/search-assets.ts';
import { tagAsset } from '../../library/tag-asset.ts';
import { getAssetTags, overrideCategory, setAssetTags } from '../../library/tags-repo.ts';
import { rebuildThumbnails } from '../../library/thumbnails.ts';
import { addAssetToReferences } from '../../dna/add-asset-reference.ts';
import { InferenceRuntime } from '../../runtime/inference-runtime.ts';
import { rebuildDataFolder, type RebuildResult } from '../../library/rebuild-data-folder.ts';
import { writeCommandError } from '../command-error.ts';

const SUBCOMMANDS = ['stats', 'archive', 'restore', 'delete', 'undelete', 'purge', 'archive-stale', 'versions', 'tag', 'category', 'thumbs', 'retag', 'add-to-refs', 'rebuild'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

export const libraryCommand: Command = {
  name: 'library',
  summary: 'Manage library assets: stats, archive/restore, delete/undelete/purge, versions, tags, thumbnails, re-tagging',
  usage: `assetql library <subcommand> [args] [--json] [--data-dir <dir>]

  stats                              counts by state, bytes, categories, top tags, checkpoints, LoRAs
  archive <id>... | restore <id>...  move files to <library>/archive/ and back
  archive-stale [--days N]           archive assets older than N days (default: setting, 90)
  delete <id>... | undelete <id>...  soft delete (files kept) and undo
  purge [--older-than DAYS]          remove soft-deleted assets and their files for good
  versions <id>                      every retained version of the asset
  tag <id> [--add t]... [--remove t]...   user tag overrides (never clobbered by re-tagging)
  category <id> <name> | --clear     user category override
  thumbs [--all]                     rebuild missing (or all) 256×256 thumbnails
  retag --clip-pack <dir> [--batch id]   CLIP zero-shot tagging of current assets
  add-to-refs <id> [--profile <id>]  add an approved asset to its batch's (or the named) style
                                     profile's references, saved as a new profile version
  rebuild                            re-index the library's images from their embedded recipes
                                     (after a lost, empty or damaged assetql.db: the old file is
                                     kept as assetql.db.damaged-<time>, never deleted)`,
  async run(argv: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          days: { type: 'string' }, 'older-than': { type: 'string' }, add: { type: 'string', multiple: true },
          remove: { type: 'string', multiple: true }, clear: { type: 'boolean' }, all: { type: 'boolean' },
          'clip-pack': { type: 'string' }, batch: { type: 'string' }, profile: { type: 'string' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      });
    } catch (err) {
      io.stderr.write(`assetql library: ${(err as Error).message}\n${this.usage}\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    const [sub, ...args] = positionals;
    if (values.help || !sub) {
      io.stdout.write(`${this.usage}\n`);
      return values.help ? 0 : 2;
    }
    let ctx: AppContext | undefined;
    try {
      if (!SUBCOMMANDS.includes(sub as Sub)) throw new AppError('BadInput', `unknown subcommand ${sub}; one of ${SUBCOMMANDS.join(', ')}`);
      if (sub === 'rebuild') {
        // Works on a folder the normal opener refuses (that is its purpose): no openAppContext.
        const result = await rebuildDataFolder(values['data-dir'], 'assetql library rebuild');
        io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${rebuildSummary(result)}\n`);
        return result.skipped.length > 0 && result.restored === 0 && result.scanned > 0 ? 1 : 0;
      }
      ctx = openAppContext(values['data-dir']);
      const result = await runSub(ctx, sub as Sub, args, values, io);
      io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${human(sub as Sub, result)}\n`);
      return 0;
    } catch (err) {
      const e = toErrorData(err);
      writeCommandError(io, `assetql library ${sub}`, err);
      return e.kind === 'BadInput' ? 2 : 1;
    } finally {
      ctx?.close();
    }
  },
};

interface Flags {
  days?: string;
  'older-than'?: string;
  add?: string[];
  remove?: string[];
  clear?: boolean;
  all?: boolean;
  'clip-pack'?: string;
  batch?: string;
  profile?: string;
}

function needIds(sub: string, args: string[]): string[] {
  if (args.length === 0) throw new AppError('BadInput', `${sub} needs at least one asset id`);
  return args;
}

function intFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new AppError('BadInput', `--${name} must be a whole number of days (got ${v})`);
  return n;
}

async function runSub(ctx: AppContext, sub: Sub, args: string[], v: Flags, io: CliIo): Promise<unknown> {
  switch (sub) {
    case 'stats':
      return libraryStats(ctx.db);
    case 'archive':
      for (const id of needIds(sub, args)) await archiveAsset(ctx, id);
      return { archived: args };
    case 'restore':
      for (const id of needIds(sub, args)) await restoreAsset(ctx, id);
      return { restored: args };
    case 'delete':
      for (const id of needIds(sub, args)) deleteAsset(ctx, id);
      return { deleted: args };
    case 'undelete':
      return { undeleted: needIds(sub, args).map((id) => ({ id, state: undeleteAsset(ctx, id) })) };
    case 'purge': {
      const days = intFlag('older-than', v['older-than']);
      return { purged: await purgeDeletedAssets(ctx, days === undefined ? {} : { olderThanDays: days }) };
    }
    case 'archive-stale': {
      const days = intFlag('days', v.days);
      return { archived: await archiveStaleAssets(ctx, days === undefined ? {} : { days }) };
    }
    case 'versions':
      return listAssetVersions(ctx.db, needIds(sub, args)[0]!).map((a) => ({ id: a.id, version: a.version, current: a.isCurrent, state: a.state, createdAt: new Date(a.createdAt).toISOString(), relPath: a.relPath }));
    case 'tag': {
      const id = needIds(sub, args)[0]!;
      if (!v.add && !v.remove) return getAssetTags(ctx.db, id);
      return setAssetTags(ctx.db, id, { add: v.add ?? [], remove: v.remove ?? [] });
    }
    case 'category': {
      const id = needIds(sub, args)[0]!;
      if (!v.clear && !args[1]) throw new AppError('BadInput', 'category needs <id> <name> or <id> --clear');
      overrideCategory(ctx.db, id, v.clear ? null : args.slice(1).join(' '));
      return { id, category: v.clear ? 'auto' : args.slice(1).join(' ') };
    }
    case 'thumbs':
      return rebuildThumbnails(ctx, { mode: v.all ? 'all' : 'missing', signal: io.signal });
    case 'add-to-refs': {
      const id = needIds(sub, args)[0]!;
      // The same CLIP pack the app would use (Settings, else the installed one), so the new
      // version keeps its CLIP centre; without one the profile is analysed without CLIP.
      const runtime = new InferenceRuntime(ctx);
      try {
        const embedder = await runtime.embedder().catch(() => null);
        const p = await addAssetToReferences(ctx, id, { ...(v.profile ? { profileId: v.profile } : {}), embedder });
        return { profile: p.id, name: p.name, version: p.version, references: p.references.length };
      } finally {
        await runtime.close();
      }
    }
    case 'retag': {
      if (!v['clip-pack']) throw new AppError('BadInput', 'retag needs --clip-pack <dir>');
      const pool = new WorkerPool({ size: 1 });
      try {
        const tagger = createClipZeroShotTagger(await createClipEmbedder(pool, resolve(io.cwd, v['clip-pack'])));
        let tagged = 0;
        let cursor: string | undefined;
        do {
          const page = searchAssets(ctx.db, { ...(v.batch ? { batchId: v.batch } : {}), limit: 200, withTotal: false, ...(cursor ? { cursor } : {}) });
          for (const a of page.items) {
            if (io.signal.aborted) throw new AppError('Cancelled', `re-tagging stopped after ${tagged} assets`);
            await tagAsset(ctx, a.id, tagger);
            tagged++;
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return { tagged };
      } finally {
        await pool.close();
      }
    }
    case 'rebuild':
      throw new AppError('Internal', 'rebuild runs before the database is opened');
  }
}

function rebuildSummary(r: RebuildResult): string {
  const lines = [
    r.databaseWas === 'ok' ? 'database: healthy, kept' : `database: ${r.databaseWas}${r.movedAside.length ? `, set aside as ${r.movedAside.join(', ')}` : ''}; a fresh one was created`,
    `images found ${r.scanned}, restored ${r.restored}, already indexed ${r.alreadyIndexed}, batches re-created ${r.batchesRecreated}, skipped ${r.skipped.length}`,
    ...r.skipped.slice(0, 20).map((s) => `  skipped ${s.file}: ${s.reason}`),
  ];
  if (r.restored > 0) lines.push('Restored assets have their prompt, recipe and thumbnail; run `assetql library retag --clip-pack <dir>` to tag them again.');
  return lines.join('\n');
}

function human(sub: Sub, result: unknown): string {
  if (sub === 'stats') {
    const s = result as LibraryStats;
    return [
      `active ${s.active}, archived ${s.archived}, deleted ${s.deleted} (${s.versions} versions, ${(s.bytes / 1e6).toFixed(1)} MB)`,
      `with embeddings ${s.withEmbedding}, untagged ${s.untagged}`,
      `categories: ${s.categories.map((c) => `${c.category} (${c.count})`).join(', ') || '-'}`,
      `top tags: ${s.topTags.slice(0, 20).map((t) => `${t.tag} (${t.count})`).join(', ') || '-'}`,
      `checkpoints (search --model): ${s.checkpoints.map((m) => `${escapeTerminalText(m.name)} (${m.count})`).join(', ') || '-'}`,
      `LoRAs (search --lora): ${s.loras.map((l) => `${escapeTerminalText(l.name)} (${l.count})`).join(', ') || '-'}`,
    ].join('\n');
  }
  if (sub === 'tag') return (result as AssetTag[]).map((t) => `${t.tag}  [${t.group}, ${t.source}${t.confidence === null ? '' : `, ${t.confidence.toFixed(2)}`}]`).join('\n');
  // Everything else is a short record: one "key: value" line per field.
  if (Array.isArray(result)) return result.map((r) => JSON.stringify(r)).join('\n');
  return Object.entries(result as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ') || '-' : JSON.stringify(v)}`)
    .join('\n');
}

export default libraryCommand;
